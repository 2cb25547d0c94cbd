"""Large admin exports and imports run as jobs: the official is sent to a progress page, the
file is theirs to download (and a district official's), nobody else's; failures keep their
error and can be retried; small ones still answer in the request."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.appeals.models import Appeal
from apps.audit.models import Action, AuditEntry
from apps.jobs import admin as jobs_admin
from apps.jobs.models import JobKind, JobStatus, SpreadsheetJob
from apps.jobs.services import jobs_sweep
from apps.projects.models import Project
from apps.projects.resources import project_columns
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403
from tests.admin.conftest import export_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.BACKGROUND_SPREADSHEET_ROWS = 2
    settings.SPREADSHEET_JOB_CHUNK_ROWS = 2  # several chunks even in small tests


@pytest.fixture
def projects(kuishan, taishan, zhujian):
    kuiyuan = f.community("奎园社区", parent=kuishan)
    ours = [f.project(title=f"奎山项目{n}", areas=[kuiyuan], lead_department=zhujian) for n in range(3)]
    theirs = f.project(title="泰山项目", areas=[taishan])
    return ours, theirs


def urls(job: SpreadsheetJob) -> dict[str, str]:
    return {
        name: reverse(f"admin:jobs_spreadsheetjob_{name}", args=[job.pk]) for name in ("progress", "status", "download")
    }


def test_a_large_export_runs_as_a_job_whose_file_only_its_official_gets(
    as_official, kuishan_official, taishan, projects, committing, client, district_official
):
    client = as_official(kuishan_official)
    with committing():
        response = export_file(client, "projects_project", "xlsx")
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and response["Location"] == urls(job)["progress"]
    assert (job.user, job.kind, job.status) == (kuishan_official, JobKind.EXPORT, JobStatus.DONE)
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.file.name.startswith("jobs/") and "奎山" not in job.file.name and len(job.file.name) > 30

    page = client.get(urls(job)["progress"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "下载" in text and urls(job)["download"] in text and 'http-equiv="refresh"' not in text
    assert client.get(urls(job)["status"]).json()["finished"] is True

    download = client.get(urls(job)["download"])
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert 'attachment; filename="Project-' in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == project_columns()
    assert sorted(r[1] for r in rows[1:]) == ["奎山项目0", "奎山项目1", "奎山项目2"]  # the official's scope only
    assert AuditEntry.objects.filter(action=Action.EXPORT, rows=3, data__job=job.pk).exists()

    other = staff(f.official("taishan", scope="subdistrict", subdistrict=taishan))  # noqa: F405
    client.force_login(other)
    for url in urls(job).values():
        assert client.get(url).status_code == 404
    client.force_login(district_official)
    assert client.get(urls(job)["download"]).status_code == 200
    client.logout()
    for url in urls(job).values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_small_export_still_answers_in_the_request(as_official, district_official, projects, settings):
    settings.BACKGROUND_SPREADSHEET_ROWS = 10
    response = export_file(as_official(district_official), "projects_project", "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "奎山项目0" in response.content.decode("utf-8-sig")
    assert not SpreadsheetJob.objects.exists()


def test_a_job_waiting_for_its_worker_shows_progress_and_refreshes_itself(as_official, district_official, projects):
    client = as_official(district_official)
    export_file(client, "projects_project", "csv")  # the transaction never commits: no task ran
    job = SpreadsheetJob.objects.get()
    assert job.status == JobStatus.PENDING
    text = client.get(urls(job)["progress"]).content.decode()
    assert "<progress" in text and 'http-equiv="refresh"' in text and "job_progress.js" in text
    assert client.get(urls(job)["status"]).json() == {
        "status": "pending",
        "status_label": "排队中",
        "stage_label": "",
        "done": 0,
        "total": 4,
        "percent": 0,
        "finished": False,
    }


def test_an_appeal_export_job_keeps_the_officials_scope(as_official, kuishan_official, kuishan, taishan, committing):
    for area in (f.community(parent=kuishan), f.community(parent=kuishan), f.community(parent=kuishan)):
        f.appeal(area=area)
    f.appeal(area=f.community(parent=taishan), title="泰山的诉求")
    client = as_official(kuishan_official)
    with committing():
        response = export_file(client, "appeals_appeal", "csv")
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.DONE
    body = b"".join(client.get(urls(job)["download"]).streaming_content).decode("utf-8-sig")
    data = tablib.Dataset().load(body, format="csv")
    assert len(data) == 3 == Appeal.objects.filter(subdistrict=kuishan).count()
    assert "泰山的诉求" not in body


def test_a_failed_job_keeps_its_error_and_is_retried(as_official, district_official, projects, committing, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("磁盘已满")

    monkeypatch.setattr(jobs_admin, "write_table", broken)
    client = as_official(district_official)
    with committing():
        export_file(client, "projects_project", "xlsx")
    job = SpreadsheetJob.objects.get()
    assert job.status == JobStatus.FAILED and "磁盘已满" in job.error and not job.file
    listing = client.get(reverse("admin:jobs_spreadsheetjob_changelist") + "?status=failed")
    assert job.title in listing.content.decode()
    page = client.get(urls(job)["progress"]).content.decode()
    assert "磁盘已满" in page and urls(job)["download"] not in page
    assert client.get(urls(job)["download"]).status_code == 404

    monkeypatch.undo()
    with committing():
        response = client.post(reverse("admin:jobs_spreadsheetjob_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts, job.done) == (JobStatus.DONE, "", 2, 4)


def _sheet(rows: list[list], headers: list[str]) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("xlsx")


def exported(client, settings) -> tuple[list[str], list[list]]:
    """The projects as the admin exports them (under the threshold, in the request)."""
    settings.BACKGROUND_SPREADSHEET_ROWS = 100
    data = tablib.Dataset().load(export_file(client, "projects_project", "csv").content.decode("utf-8-sig"))
    settings.BACKGROUND_SPREADSHEET_ROWS = 2
    return list(data.headers), [list(row) for row in data]


def test_a_large_import_checks_then_writes_in_a_job(as_official, district_official, projects, committing, settings):
    client = as_official(district_official)
    headers, rows = exported(client, settings)
    title_at, id_at = headers.index("项目名称"), headers.index("ID")
    for row in rows:
        row[title_at] = f"{row[title_at]}（改）"
    new = list(rows[0])
    new[id_at], new[title_at] = "", "新项目"
    rows.append(new)
    with committing():
        response = client.post(
            reverse("admin:projects_project_import"),
            {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("p.xlsx", _sheet(rows, headers))},
        )
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and response["Location"] == urls(job)["progress"]
    assert job.status == JobStatus.DONE, job.error
    assert job.result["totals"] == {"update": 4, "new": 1}
    assert not job.source  # the uploaded file is deleted once imported
    assert (
        Project.objects.filter(title__endswith="（改）").count() == 4
        and Project.objects.filter(title="新项目").exists()
    )
    assert "新增 1" in client.get(urls(job)["progress"]).content.decode()
    assert AuditEntry.objects.filter(action=Action.IMPORT, rows=5, data__job=job.pk).exists()


def test_a_large_import_with_a_bad_row_writes_nothing_and_names_the_row(
    as_official, district_official, projects, committing, settings
):
    client = as_official(district_official)
    headers, rows = exported(client, settings)
    for row in rows:
        row[headers.index("项目名称")] += "（改）"
    rows[3][headers.index("状态")] = "快完成了"  # the 4th data row: Excel row 5, in the second chunk
    with committing():
        client.post(
            reverse("admin:projects_project_import"),
            {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("p.xlsx", _sheet(rows, headers))},
        )
    job = SpreadsheetJob.objects.get()
    assert job.status == JobStatus.FAILED and job.source
    assert "第 5 行" in job.error and "“快完成了”不是有效状态" in job.error
    assert not Project.objects.filter(title__endswith="（改）").exists()


def test_the_sweep_requeues_lost_jobs_fails_dead_ones_and_deletes_expired_files(
    as_official, district_official, projects, committing, settings
):
    client = as_official(district_official)
    export_file(client, "projects_project", "xlsx")  # queued, never committed: a lost task
    lost = SpreadsheetJob.objects.get()
    SpreadsheetJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with committing():
        export_file(client, "projects_project", "xlsx")
    done = SpreadsheetJob.objects.exclude(pk=lost.pk).get()
    dead = SpreadsheetJob.objects.create(
        user=district_official,
        kind=JobKind.EXPORT,
        model="projects.project",
        title="x",
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    assert jobs_sweep() == {"queued": 1, "stale": 1, "expired": 0}
    lost.refresh_from_db()
    dead.refresh_from_db()
    assert lost.status == JobStatus.DONE and dead.status == JobStatus.FAILED and "可重试" in dead.error

    path = done.file.path
    SpreadsheetJob.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(hours=73))
    assert jobs_sweep()["expired"] == 1
    assert not SpreadsheetJob.objects.filter(pk=done.pk).exists()
    assert not os.path.exists(path)


def test_the_progress_page_and_status_are_in_english_and_cost_constant_queries(
    as_official, district_official, kuishan_official, projects, committing, settings, django_assert_max_num_queries
):
    client = as_official(kuishan_official)
    with committing():
        export_file(client, "projects_project", "xlsx")
    job = SpreadsheetJob.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(urls(job)["progress"]).content.decode()
    assert "Export job" in text and "Download" in text and "Progress" in text
    with django_assert_max_num_queries(8):
        assert client.get(urls(job)["status"]).json()["status_label"] == "Completed"
    # The list: an official sees their own jobs, a district official everyone's.
    assert job.title in client.get(reverse("admin:jobs_spreadsheetjob_changelist")).content.decode()
    client.force_login(staff(f.official("other", scope="subdistrict", subdistrict=f.subdistrict("泰山街道"))))  # noqa: F405
    assert client.get(reverse("admin:jobs_spreadsheetjob_changelist")).context["cl"].result_count == 0
    client.force_login(district_official)
    assert client.get(reverse("admin:jobs_spreadsheetjob_changelist")).context["cl"].result_count == 1


def test_the_import_page_says_when_the_import_goes_to_the_background(as_official, district_official):
    text = as_official(district_official).get(reverse("admin:projects_project_import")).content.decode()
    assert "超过 2 行的文件不显示预览" in text


def test_the_job_exports_the_lists_filters_and_search(as_official, district_official, projects, committing):
    client = as_official(district_official)
    with committing():
        export_file(client, "projects_project", "csv", query="?q=奎山")
    job = SpreadsheetJob.objects.get()
    body = b"".join(client.get(urls(job)["download"]).streaming_content).decode("utf-8-sig")
    assert (job.total, body.count("奎山项目"), "泰山项目" in body) == (3, 3, False)
