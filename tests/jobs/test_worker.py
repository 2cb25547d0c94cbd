"""A real Celery worker on Redis runs an admin export over the threshold: the request only
queues it, the worker writes the file, the official downloads it. PostgreSQL only
(tests/celery_worker.py)."""

from __future__ import annotations

import importlib
import io
import time

import pytest
from django.apps import apps as django_apps
from openpyxl import load_workbook

from apps.jobs.models import JobStatus, SpreadsheetJob
from apps.programmes.models import Programme
from tests import factories as f
from tests.admin.conftest import export_file
from tests.celery_worker import wait_for
from tests.proposals.helpers import district_official


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_large_export_and_the_official_downloads_it(client, worker, settings):
    settings.BACKGROUND_SPREADSHEET_ROWS = 3
    if not Programme.objects.exists():  # an earlier transactional test flushed the migrations' rows
        importlib.import_module("apps.programmes.migrations.0002_six_programmes").load(django_apps, None)
    kuishan = f.subdistrict("奎山街道")
    for n in range(5):
        f.project(title=f"奎山项目{n}", areas=[kuishan])
    client.force_login(district_official())

    started = time.monotonic()
    response = export_file(client, "projects_project", "xlsx")
    answered = time.monotonic() - started
    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/progress/")

    def finished() -> bool:
        job.refresh_from_db()
        return job.finished

    assert wait_for(finished, 60), "the worker did not run the job"
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 5, 5), job.error
    download = client.get(f"/admin/jobs/spreadsheetjob/{job.pk}/download/")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 6
    print(f"the web request answered in {answered:.3f}s; the worker wrote the file")
