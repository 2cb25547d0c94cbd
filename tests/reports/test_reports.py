"""Monthly snapshots and the reports read from them: a past month's report never changes when
today's data does; backfilled from the projects' history; public, with no resident's data."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from apps.appeals.services import appeal_accept
from apps.categories.models import ProblemCategory
from apps.projects.models import ProgressUpdate, Project, ProjectStatus
from apps.projects.services import project_save, project_set_progress
from apps.reports.models import Snapshot
from apps.reports.selectors import programme_trend, project_trend
from apps.reports.services import month_before
from tests import factories as f

pytestmark = pytest.mark.django_db

OCT_15 = datetime(2026, 10, 15, 10, tzinfo=timezone.get_fixed_timezone(480))
LIFT_CATEGORY = "0101"
NOV_2 = datetime(2026, 11, 2, 9, tzinfo=timezone.get_fixed_timezone(480))


def take(*args) -> str:
    out = io.StringIO()
    call_command("take_snapshot", *args, stdout=out)
    return out.getvalue()


def body(response) -> str:
    """The report itself, without the site's header and footer."""
    html = response.content.decode()
    return html[html.index("<article") : html.index("</article>")]


def cells(response) -> list[list]:
    """Every sheet's values of a workbook download."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[sheet.title, *[c.value for row in sheet.iter_rows() for c in row]] for sheet in book]


@pytest.fixture
def october():
    """Projects and requests as they stood in October 2026, snapshotted on 2 November."""
    with time_machine.travel(OCT_15, tick=False):
        taishan = f.subdistrict("泰山街道")
        works = f.department("区住建局")
        slow = f.project(
            title="泰山社区加装电梯",
            areas=[f.community("泰山社区", parent=taishan)],
            lead_department=works,
            status=ProjectStatus.IN_PROGRESS,
            progress=Decimal("10"),
            planned_investment=Decimal("1234.5"),
            invested=Decimal("100"),
            planned_start=date(2026, 1, 1),
            planned_finish=date(2026, 12, 31),
        )
        done = f.project(
            title="奎山口袋公园",
            programme_code="lvse",
            lead_department=works,
            status=ProjectStatus.COMPLETED,
            progress=Decimal("100"),
            planned_start=date(2026, 3, 1),
            planned_finish=date(2026, 10, 10),
            actual_finish=date(2026, 10, 8),
            planned_investment=Decimal("50"),
            invested=Decimal("48"),
        )
        f.project(title="未公开的项目", is_public=False, lead_department=works)
        appeal = f.appeal(area=f.community(parent=taishan), submitter_name="王秀英", submitter_phone="13912345678")
        appeal_accept(appeal=appeal)
        f.appeal(area=f.community(parent=taishan), category=ProblemCategory.objects.get(code=LIFT_CATEGORY))
    with time_machine.travel(NOV_2, tick=False):
        take("--month", "2026-10")
    return {"slow": slow, "done": done, "taishan": taishan}


def test_last_months_report_stays_the_same_when_todays_data_changes(client, october):
    with time_machine.travel(NOV_2 + timedelta(hours=1), tick=False):
        before = body(client.get("/reports/monthly/2026-10/"))
        cells_before = cells(client.get("/reports/monthly/2026-10.xlsx"))
    with time_machine.travel(NOV_2 + timedelta(days=3), tick=False):  # issued on 2 November, read on the 5th
        slow = Project.objects.get(pk=october["slow"].pk)
        project_set_progress(project=slow, progress=Decimal("95"))
        slow.title, slow.invested = "改了名字的项目", Decimal("999")
        project_save(project=slow)
        f.project(title="十一月的新项目")
        f.appeal(area=f.community(parent=october["taishan"]))
        assert "2026-10" in take("--month", "2026-10")  # idempotent: the final snapshot is kept as it was
        after = body(client.get("/reports/monthly/2026-10/"))
        cells_after = cells(client.get("/reports/monthly/2026-10.xlsx"))
    assert after == before
    assert cells_after == cells_before
    assert "泰山社区加装电梯" in after and "改了名字的项目" not in after and "十一月的新项目" not in after


def test_the_monthly_report_has_every_section_and_no_residents_data(client, october):
    with time_machine.travel(NOV_2, tick=False):
        response = client.get("/reports/monthly/2026-10/")
    assert response.status_code == 200
    html = response.content.decode()
    headings = ("六心板块进展", "三率", "各街道、各牵头单位项目推进", "红黄灯项目", "本月完成的项目", "最多的问题类别")
    assert all(heading in html for heading in headings)
    # 序时 on 31 October: 303 of 364 days = 83.2 %; actual 10 %: 73.2 points behind, red.
    assert "73.2 个百分点" in html
    completed = html[html.index("本月完成的项目") :]
    assert "奎山口袋公园" in completed and "2026-10-08" in completed
    assert "1,234.50" in html  # 万元 with thousands separators
    assert "未公开的项目" not in html
    assert "王秀英" not in html and "王*" not in html and "13912345678" not in html
    assert "印发日期</dt><dd>2026-11-02" in html and "2026-10-01" in html and "2026-10-31" in html
    topics = html[html.index("反映最多的问题类别") :]
    category = ProblemCategory.objects.get(code=LIFT_CATEGORY).name
    assert category in topics and "求助（未分类）" in topics


def test_the_report_compares_with_the_month_before(client, october):
    with time_machine.travel(NOV_2 + timedelta(days=1), tick=False):
        project_set_progress(project=Project.objects.get(pk=october["slow"].pk), progress=Decimal("40"))
    with time_machine.travel(datetime(2026, 12, 1, 8, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        take("--month", "2026-11")
        response = client.get("/reports/monthly/2026-11/")
    bianmin = next(g for p, g in response.context["report"].programmes if p.code == "bianmin")
    assert (bianmin.average_progress, bianmin.progress_change) == (Decimal("40.0"), Decimal("30.0"))
    assert "+30.0" in response.content.decode()


def test_the_workbook_has_one_sheet_per_table_with_real_numbers_and_dates(client, october):
    with time_machine.travel(NOV_2, tick=False):
        response = client.get("/reports/monthly/2026-10.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "六心板块",
        "各街道诉求",
        "各单位诉求",
        "各街道项目",
        "各牵头单位项目",
        "红黄灯项目",
        "本月完成项目",
        "诉求类别",
    ]
    programmes = book["六心板块"]
    headers = [c.value for c in programmes[1]]
    assert headers[0] == "板块" and "计划投资（万元）" in headers
    money = headers.index("计划投资（万元）") + 1
    total_row = programmes.max_row
    assert programmes.cell(total_row, 1).value == "合计"
    assert programmes.cell(total_row, money).value == pytest.approx(1234.5 + 50)
    assert programmes.cell(total_row, money).number_format == "#,##0.00"
    behind = book["红黄灯项目"]
    assert behind.cell(2, 1).value == "泰山社区加装电梯"
    assert behind.cell(2, 5).value.date() == date(2026, 12, 31)  # a real date cell
    assert behind.cell(2, 7).value == pytest.approx(0.10) and behind.cell(2, 7).number_format == "0.0%"
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert "王秀英" not in cells and "13912345678" not in cells


def test_snapshots_are_backfilled_from_the_projects_history(client):
    with time_machine.travel(datetime(2026, 9, 10, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        project = f.project(status=ProjectStatus.IN_PROGRESS, progress=Decimal("10"))
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        project_set_progress(project=project, progress=Decimal("50"))
    with time_machine.travel(datetime(2026, 11, 5, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        project_set_progress(project=project, progress=Decimal("80"))
        output = take()
        assert "2026-09" in output and "2026-10" in output and "2026-11" not in output
        assert "Nothing to take" in take()  # a second run adds nothing
        # The project page and its programme's page show the trend from the snapshots.
        page = client.get(f"/projects/{project.pk}/").content.decode()
        programme_page = client.get("/programmes/bianmin/").content.decode()
    assert [(p.month, p.progress) for p in project_trend(project.pk)] == [
        (date(2026, 9, 1), Decimal("10.0")),
        (date(2026, 10, 1), Decimal("50.0")),
    ]
    assert [p.progress for p in programme_trend(project.programme_id, 2026)] == [Decimal("10.0"), Decimal("50.0")]
    assert Snapshot.objects.filter(final=True).count() == 2
    assert "进度走势" in page and "2026-10" in page
    assert "进度走势" in programme_page


def test_the_running_month_is_provisional_and_retaken(client):
    with time_machine.travel(datetime(2026, 11, 10, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        project = f.project(progress=Decimal("20"))
        take("--month", "2026-11")
        project_set_progress(project=project, progress=Decimal("30"))
        take("--month", "2026-11")
        html = client.get("/reports/monthly/2026-11/").content.decode()
        index = client.get("/reports/").content.decode()
    assert "本月尚未结束" in html and "30.0%" in html
    assert "本月未结束（临时）" in index and "/reports/monthly/2026-11/" in index


def test_the_annual_report_lists_every_project_and_the_years_figures(client, october):
    with time_machine.travel(NOV_2, tick=False):
        response = client.get("/reports/annual/2026/")
        index = client.get("/reports/").content.decode()
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年度民生实事完成情况" in html
    assert "泰山社区加装电梯" in html and "奎山口袋公园" in html and "未公开的项目" not in html
    assert response.context["report"].figures_total.received == 2
    assert "/reports/annual/2026/" in index and "/reports/monthly/2026-10.xlsx" in index


@pytest.mark.parametrize(
    "url",
    ["/reports/monthly/2026-13/", "/reports/monthly/2026-09/", "/reports/monthly/1999-1.xlsx", "/reports/annual/2025/"],
)
def test_a_month_without_a_snapshot_is_not_found(client, october, url):
    assert client.get(url).status_code == 404


def test_a_report_costs_the_same_queries_for_more_projects(client, october, django_assert_max_num_queries):
    with time_machine.travel(NOV_2, tick=False), django_assert_max_num_queries(12) as small:
        client.get("/reports/monthly/2026-10/")
    with time_machine.travel(OCT_15, tick=False):
        for i in range(20):
            f.project(title=f"批量{i}", areas=[f.community()], lead_department=f.department())
    with time_machine.travel(NOV_2, tick=False):
        take("--month", "2026-10", "--replace")
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert "批量19" in client.get("/reports/monthly/2026-10/").content.decode()


def test_the_report_reads_in_english(client, october):
    client.cookies["django_language"] = "en"
    # override() puts back the language active before: the English request does not leak into later tests.
    with time_machine.travel(NOV_2, tick=False), translation.override(None):
        html = client.get("/reports/monthly/2026-10/").content.decode()
    assert "Livelihood projects progress report (October 2026)" in html
    assert "4. Red and yellow projects (behind schedule)" in html


def test_the_nightly_task_finalises_the_month_that_ended_and_refreshes_the_running_one():
    from apps.reports.tasks import take_snapshots

    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        f.project()
        take_snapshots()
    assert list(Snapshot.objects.values_list("month", "final")) == [(date(2026, 10, 1), False)]
    with time_machine.travel(datetime(2026, 11, 1, 0, 30, tzinfo=timezone.get_fixed_timezone(480)), tick=False):
        take_snapshots()
    assert list(Snapshot.objects.order_by("month").values_list("month", "final")) == [
        (date(2026, 10, 1), True),
        (date(2026, 11, 1), False),
    ]


def test_the_annual_report_shows_the_deputies_evaluation_results(client, october):
    from apps.proposals.services import evaluation_cast, evaluation_round_close, evaluation_round_open
    from tests.proposals.helpers import district_official

    official = district_official()
    with time_machine.travel(NOV_2, tick=False):
        slow, done = Project.objects.filter(is_public=True).order_by("pk")  # 泰山社区加装电梯, 奎山口袋公园
        evaluation = evaluation_round_open(year=2026, phase="mid_year", by=official)
        # 2 满意 and 1 不满意 of 3: more than half 满意 → 满意; 1 基本满意 and 2 不满意 → 不满意.
        for name, ratings in (("张伟", ("satisfied", "basically")), ("李娜", ("satisfied", "unsatisfied"))):
            evaluation_cast(
                evaluation=evaluation,
                ratings={slow.pk: ratings[0], done.pk: ratings[1]},
                by=official,
                deputy_name=name,
            )
        evaluation_cast(
            evaluation=evaluation,
            ratings={slow.pk: "unsatisfied", done.pk: "unsatisfied"},
            by=official,
            deputy_name="王芳",
        )
        evaluation_round_close(evaluation=evaluation, by=official)
        html = client.get("/reports/annual/2026/").content.decode()
    section = html[html.index("四、人大代表满意度测评") :]
    assert "2026 年中测评" in section
    first, second = section.index(slow.title), section.index(done.title)
    assert "<strong>满意</strong>" in section[first:second] and "<strong>不满意</strong>" in section[second:]


def test_the_demo_after_make_run_has_last_months_report_from_the_projects_history(client):
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "-B", "run", "STAMP=/dev/null"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    seed = next(k for k, line in enumerate(plan) if "manage.py seed_demo" in line)
    assert any("manage.py take_snapshot" in line for line in plan[seed + 1 :])  # after seeding
    call_command("seed_demo", "--projects", "40", "--requests", "30", stdout=io.StringIO(), stderr=io.StringIO())
    take()
    this_month = timezone.localdate().replace(day=1)
    last_month = month_before(this_month)
    response = client.get(f"/reports/monthly/{last_month:%Y-%m}/")
    assert response.status_code == 200
    html = body(response)
    # Projects updated this month, listed with their progress at last month's end, not today's.
    updated_since = set(ProgressUpdate.objects.filter(date__gte=this_month).values_list("project_id", flat=True))
    today = dict(Project.objects.values_list("pk", "progress"))
    listed = [row for row in response.context["report"].behind if row.project_id in updated_since]
    changed = [row for row in listed if row.progress != today[row.project_id]]
    assert changed, "no project listed with its progress of last month"
    for row in changed:
        assert row.title in html and f"{row.progress:,.1f}%" in html
