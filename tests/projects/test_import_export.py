"""Projects with milestones to and from XLSX / CSV: round trip, all-or-nothing, errors by row and column."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import Milestone, ProgressSource, Project, ProjectStatus
from apps.projects.resources import ProjectResource, import_errors, project_columns
from apps.projects.services import milestone_save
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403
from tests.admin.conftest import export_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(kuishan, zhujian):
    today = timezone.localdate()
    kuiyuan = f.community("奎园社区", parent=kuishan)
    minzheng = f.department("区民政局")
    lift = f.project(
        title="奎园社区加装电梯",
        summary="为 6 栋多层住宅加装电梯",
        description="第一行\n第二行，含“引号”和逗号,",
        areas=[kuiyuan],
        lead_department=zhujian,
        co_departments=[minzheng],
        status=ProjectStatus.IN_PROGRESS,
        planned_investment=Decimal("360.50"),
        invested=Decimal("120.00"),
        latitude=Decimal("34.250000"),
        longitude=Decimal("117.180000"),
    )
    for order, (title, days, done, weight) in enumerate(
        [("方案设计", -30, -28, 1), ("施工", 20, None, 3), ("竣工验收", 40, None, 1)]
    ):
        milestone_save(
            milestone=Milestone(
                project=lift,
                title=title,
                planned_date=today + timedelta(days=days),
                completed_on=today + timedelta(days=done) if done is not None else None,
                weight=weight,
                order=order,
            )
        )
    park = f.project(title="奎山口袋公园", programme_code="lvse", areas=[kuishan], lead_department=minzheng)
    return {"lift": Project.objects.get(pk=lift.pk), "park": park, "kuiyuan": kuiyuan}


def snapshot() -> list[tuple]:
    rows = []
    for p in Project.objects.order_by("pk").prefetch_related("areas", "co_departments", "milestones"):
        rows.append(
            (
                p.pk,
                p.title,
                p.programme_id,
                p.summary,
                p.description,
                p.lead_department_id,
                sorted(a.pk for a in p.areas.all()),
                sorted(d.pk for d in p.co_departments.all()),
                p.planned_investment,
                p.invested,
                p.planned_start,
                p.planned_finish,
                p.status,
                p.progress,
                p.latitude,
                p.is_public,
                [(m.pk, m.title, m.planned_date, m.completed_on, m.weight) for m in p.milestones.all()],
            )
        )
    return rows


def exported(fmt: str = "csv") -> tablib.Dataset:
    dataset = ProjectResource().export(Project.objects.order_by("pk"))
    return tablib.Dataset().load(dataset.export(fmt), format=fmt)


def test_the_columns_are_chinese_and_shared(projects):
    dataset = exported()
    assert dataset.headers == project_columns()
    assert dataset.headers[:4] == ["ID", "项目名称", "六心板块", "年度"]
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["六心板块"] == "便民舒心"
    assert row["涉及区域"] == "奎山街道/奎园社区"
    assert row["状态"] == "进行中"
    assert row["进度来源"] == "按节点加权计算"
    assert row["节点"].splitlines()[0].startswith("方案设计|")
    assert row["节点"].splitlines()[1].endswith("||3")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimports_unchanged(projects, fmt):
    before = snapshot()
    history_before = Project.history.count()
    result = ProjectResource().import_data(exported(fmt))
    assert not result.has_errors() and not result.has_validation_errors(), import_errors(result)
    assert {row.import_type for row in result.rows} == {"skip"}
    assert snapshot() == before
    assert Project.history.count() == history_before


def test_an_import_updates_projects_and_their_milestones_through_the_services(projects):
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    lift = next(r for r in rows if r["项目名称"] == "奎园社区加装电梯")
    today = timezone.localdate()
    lines = lift["节点"].splitlines()
    lines[1] = f"施工|{today + timedelta(days=20)}|{today}|3"  # construction done
    lift["节点"] = "\n".join(lines)
    lift["已完成投资（万元）"] = "300"
    new_row = {h: "" for h in dataset.headers}
    new_row.update(
        {
            "项目名称": "奎果社区垃圾分类屋",
            "六心板块": "绿色怡心",
            "年度": str(today.year),
            "涉及区域": "奎山街道/奎园社区",
            "牵头单位": "区民政局",
            "计划开工": str(today),
            "计划完工": str(today + timedelta(days=60)),
            "状态": "规划中",
            "已公开": "否",
            "节点": f"选址|{today + timedelta(days=5)}||1\n建成|{today + timedelta(days=60)}||1",
        }
    )
    data = tablib.Dataset(*[list(r.values()) for r in [*rows, new_row]], headers=dataset.headers)
    result = ProjectResource().import_data(data)
    assert not result.has_validation_errors(), import_errors(result)
    project = Project.objects.get(title="奎园社区加装电梯")
    assert project.invested == Decimal("300")
    assert project.progress == Decimal("80.0")  # (1 + 3) / 5
    assert project.progress_source == ProgressSource.MILESTONES
    assert project.milestones.get(title="施工").completed_on == today
    created = Project.objects.get(title="奎果社区垃圾分类屋")
    assert created.programme_id == "lvse"
    assert list(created.milestones.values_list("title", flat=True)) == ["选址", "建成"]
    assert created.yellow_from is not None


def test_a_bad_row_changes_nothing_and_names_each_row_and_column(projects):
    before = snapshot()
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    rows[0]["已完成投资（万元）"] = "很多"
    rows[0]["计划完工"] = "2026-13-45"
    rows[1]["项目名称"] = "改了名字，这一行本身没有问题"
    rows[1]["牵头单位"] = "不存在的局"
    data = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    result = ProjectResource().import_data(data)
    assert result.has_validation_errors()
    errors = import_errors(result)
    # Rows by their Excel row number (the header is row 1) and the project's title as typed.
    first = f"第 2 行（{rows[0]['项目名称']}）"
    assert any(e.startswith(f"{first}“已完成投资（万元）”列") and "不是有效数字" in e for e in errors), errors
    assert any(e.startswith(f"{first}“计划完工”列") and "不是有效日期" in e for e in errors), errors
    second = "第 3 行（改了名字，这一行本身没有问题）“牵头单位”列"
    assert any(e.startswith(second) and "找不到责任单位“不存在的局”" in e for e in errors), errors
    assert snapshot() == before


def test_a_bad_row_rolls_back_the_valid_rows_too(projects):
    before = snapshot()
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    lift = next(r for r in rows if r["项目名称"] == "奎园社区加装电梯")
    park = next(r for r in rows if r["项目名称"] == "奎山口袋公园")
    lift["已完成投资（万元）"] = "很多"
    park["项目名称"] = "奎山口袋公园（二期）"  # a valid change, which a partial import would keep
    park["已完成投资（万元）"] = "5"
    data = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    result = ProjectResource().import_data(data)
    assert result.has_validation_errors()
    assert [e for e in import_errors(result) if "“已完成投资（万元）”列" in e], import_errors(result)
    assert not Project.objects.filter(title="奎山口袋公园（二期）").exists()
    assert snapshot() == before


def test_model_rules_are_reported_by_column(projects):
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    park = next(r for r in rows if r["项目名称"] == "奎山口袋公园")
    park["计划开工"], park["计划完工"] = "2026-06-01", "2026-05-01"
    park["进度（%）"] = "150"
    lift = next(r for r in rows if r["项目名称"] == "奎园社区加装电梯")
    lift["进度（%）"] = "99"
    lift["节点"] = "没有日期的节点"
    data = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    before = snapshot()
    errors = import_errors(ProjectResource().import_data(data))
    assert any("“计划完工”列：计划完工日期不能早于计划开工日期" in e for e in errors), errors
    assert any("“进度（%）”列" in e and "100" in e for e in errors), errors
    assert any("“节点”列：第 1 个节点" in e for e in errors), errors
    assert snapshot() == before


def test_derived_progress_cannot_be_overwritten_from_the_sheet(projects):
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    next(r for r in rows if r["项目名称"] == "奎园社区加装电梯")["进度（%）"] = "95"
    errors = import_errors(
        ProjectResource().import_data(tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers))
    )
    assert any("按节点加权计算" in e for e in errors), errors


def test_an_unknown_id_is_refused_not_created(projects):
    dataset = exported()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row["ID"] = "999999"
    result = ProjectResource().import_data(tablib.Dataset(list(row.values()), headers=dataset.headers))
    assert any("ID 为 999999 的项目不存在" in e for e in import_errors(result))
    assert not Project.objects.filter(pk=999999).exists()


def test_a_subdistrict_official_cannot_import_over_other_subdistricts(projects, kuishan_official, taishan):
    other = f.project(title="泰山项目", areas=[f.community(parent=taishan)])
    dataset = ProjectResource().export(Project.objects.filter(pk=other.pk))
    rows = tablib.Dataset().load(dataset.export("csv"), format="csv")
    result = ProjectResource(user=kuishan_official).import_data(rows)
    assert any("不存在或不在您的权限范围内" in e for e in import_errors(result))


def test_a_file_without_the_id_column_is_refused_readably(projects):
    data = tablib.Dataset(["新项目"], headers=["项目名称"])
    result = ProjectResource().import_data(data)
    assert any("缺少“ID”列" in e for e in import_errors(result))
    assert Project.objects.count() == 2


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_admin_export_and_import_round_trip_as_xlsx(as_official, district_official, projects, client):
    client = as_official(district_official)
    response = export_file(client, "projects_project", "xlsx")
    assert response.status_code == 200
    content = response.content
    assert tablib.Dataset().load(content, format="xlsx").headers == project_columns()
    before = snapshot()
    page = client.post(
        reverse("admin:projects_project_import"),
        {"format": "0", "resource": "0", "import_file": upload(content, "projects.xlsx")},
    )
    assert page.status_code == 200
    assert page.context["result"] is not None
    assert not page.context["result"].has_validation_errors()
    confirm = page.context["confirm_form"]
    response = client.post(reverse("admin:projects_project_process_import"), confirm.initial)
    assert response.status_code == 302
    assert snapshot() == before


def test_the_admin_import_shows_bad_rows_and_offers_no_confirmation(as_official, district_official, projects):
    client = as_official(district_official)
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    rows[1]["状态"] = "快完成了"
    csv = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers).export("csv")
    page = client.post(
        reverse("admin:projects_project_import"),
        {"format": "1", "resource": "0", "import_file": upload(csv.encode("utf-8-sig"), "projects.csv")},
    )
    assert page.status_code == 200
    assert page.context.get("confirm_form") is None
    text = page.content.decode()
    assert "状态" in text and "“快完成了”不是有效状态" in text


def test_a_department_official_may_export_but_only_its_projects(as_official, zhujian_official, projects):
    response = export_file(as_official(zhujian_official), "projects_project", "csv")
    body = response.content.decode("utf-8-sig")
    assert "奎园社区加装电梯" in body
    assert "奎山口袋公园" not in body


def test_cells_that_excel_turned_into_numbers_and_dates_still_import(projects):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    dataset = exported()
    row = dict(zip(dataset.headers, dataset[1], strict=True))  # 奎山口袋公园, no milestones
    project = Project.objects.get(pk=int(row["ID"]))
    row["ID"] = int(row["ID"])
    row["年度"] = float(row["年度"])
    row["计划开工"] = datetime.combine(project.planned_start, datetime.min.time())
    row["计划投资（万元）"] = 88.5
    row["已公开"] = True
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(row.keys()))
    sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = ProjectResource().import_data(tablib.Dataset().load(buffer.getvalue(), format="xlsx"))
    assert not result.has_validation_errors(), import_errors(result)
    project.refresh_from_db()
    assert project.planned_investment == Decimal("88.5")
    assert project.year == timezone.localdate().year


def test_a_department_official_can_only_import_projects_it_leads_or_co_leads(projects, zhujian_official, zhujian):
    today = timezone.localdate()
    headers = project_columns()
    row = {h: "" for h in headers}
    row.update(
        {
            "项目名称": "新建社区食堂",
            "六心板块": "颐养暖心",
            "年度": str(today.year),
            "牵头单位": "区民政局",
            "计划开工": str(today),
            "计划完工": str(today + timedelta(days=30)),
            "状态": "规划中",
        }
    )
    result = ProjectResource(user=zhujian_official).import_data(tablib.Dataset(list(row.values()), headers=headers))
    assert any("“牵头单位”列：牵头单位或配合单位中须包含您所在的单位" in e for e in import_errors(result))
    row["配合单位"] = zhujian.name
    result = ProjectResource(user=zhujian_official).import_data(tablib.Dataset(list(row.values()), headers=headers))
    assert not result.has_validation_errors(), import_errors(result)
    assert Project.objects.get(title="新建社区食堂").co_departments.get() == zhujian


def test_a_csv_saved_by_excel_in_gbk_imports(as_official, district_official, projects):
    client = as_official(district_official)
    dataset = exported()
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    next(r for r in rows if r["项目名称"] == "奎山口袋公园")["责任人"] = "张建国"
    csv = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers).export("csv")
    page = client.post(
        reverse("admin:projects_project_import"),
        {"format": "1", "resource": "0", "import_file": upload(csv.encode("gb18030"), "projects.csv")},
    )
    assert page.status_code == 200
    assert not page.context["result"].has_validation_errors(), page.context.get("import_error_lines")
    response = client.post(reverse("admin:projects_project_process_import"), page.context["confirm_form"].initial)
    assert response.status_code == 302
    assert Project.objects.get(title="奎山口袋公园").official_name == "张建国"


def test_the_csv_export_opens_in_excel_with_chinese(as_official, district_official, projects):
    response = export_file(as_official(district_official), "projects_project", "csv")
    assert response.content.startswith("\ufeff".encode())


def test_the_xlsx_export_has_a_named_sheet_with_real_numbers_and_dates(as_official, district_official, projects):
    import io

    from openpyxl import load_workbook

    response = export_file(as_official(district_official), "projects_project", "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["民生项目"]
    sheet = book["民生项目"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == project_columns()
    money = [row[headers.index("计划投资（万元）")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(value, (int, float)) for value in money), money
    assert sum(money) == pytest.approx(float(sum(p.planned_investment for p in Project.objects.all())))
    starts = [row[headers.index("计划开工")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(value, datetime) for value in starts), starts


def test_the_import_preview_lists_only_changed_rows_by_excel_row_and_title(as_official, district_official, projects):
    import io

    from openpyxl import load_workbook

    client = as_official(district_official)
    book = load_workbook(io.BytesIO(export_file(client, "projects_project", "xlsx").content))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(3, headers.index("已完成投资（万元）") + 1).value = 12.5  # Excel row 3: the second project
    title = sheet.cell(3, headers.index("项目名称") + 1).value
    buffer = io.BytesIO()
    book.save(buffer)
    page = client.post(
        reverse("admin:projects_project_import"),
        {"format": "0", "resource": "0", "import_file": upload(buffer.getvalue(), "projects.xlsx")},
    )
    rows = page.context["preview_rows"]
    assert [(r.excel_row, r.import_type, r.title) for r in rows] == [(3, "update", title)]
    # Only the column that changed: a 计划投资 of 430.40 that Excel hands back as 430.4 is no change.
    assert [header for header, _diff in rows[0].changes] == ["已完成投资（万元）"]
    assert page.context["preview_unchanged"] == Project.objects.count() - 1
    assert "Excel 行号" in page.content.decode()
