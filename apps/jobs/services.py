"""Creating, running, retrying and forgetting spreadsheet jobs.

`job_create` writes the row in the request's transaction and queues the task after the commit
(with no broker the task then runs in-process, as every task does). `job_run` is idempotent:
it takes only a pending job, marked running under a row lock, so a task delivered twice or a
sweep racing a task runs it once. What a job does is the admin's own export or import
(`BackgroundSpreadsheetMixin`), so its rows, columns and scope are those of the synchronous one.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from apps.jobs.models import JobStatus, SpreadsheetJob
from apps.notifications.services import queue_task

logger = logging.getLogger(__name__)

DONE, FAILED, SKIPPED = "done", "failed", "skipped"


class JobError(Exception):
    """A job that cannot finish for a reason the official can read and fix (bad rows)."""


def over_threshold(queryset: QuerySet) -> bool:
    """More rows than a request should write: counted up to the threshold and no further."""
    limit = settings.BACKGROUND_SPREADSHEET_ROWS
    return queryset.order_by()[: limit + 1].count() > limit


def random_name(extension: str) -> str:
    return f"{secrets.token_urlsafe(24)}.{extension}"  # FileField.upload_to puts it in jobs/


def job_create(*, user, kind: str, model: str, title: str, params: dict, source=None, total: int = 0) -> SpreadsheetJob:
    job = SpreadsheetJob(user=user, kind=kind, model=model, title=title[:200], params=params, total=total)
    if source is not None:
        job.source.save(random_name(params["extension"]), source, save=False)
    job.save()
    transaction.on_commit(lambda: queue_job(job.pk))
    return job


def queue_job(job_id: int) -> None:
    from apps.jobs.tasks import run_spreadsheet

    queue_task(run_spreadsheet, job_id)


def job_request(job: SpreadsheetJob) -> HttpRequest:
    """The admin list's GET request as the official made it, with the official signed in: the
    export's filters, search and scope are worked out again exactly as in the request."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.params.get("path", "/")
    request.GET = QueryDict(job.params.get("query", ""))
    request.user = job.user
    return request


def job_progress(job: SpreadsheetJob, *, done: int, total: int | None = None, stage: str | None = None) -> None:
    """Record how far the job is (its own UPDATE, committed at once outside a transaction)."""
    job.done = done
    fields = {"done": done}
    if total is not None:
        job.total = fields["total"] = total
    if stage is not None:
        job.stage = fields["stage"] = stage
    SpreadsheetJob.objects.filter(pk=job.pk).update(**fields)


def job_run(job_id: int) -> str:
    with transaction.atomic():
        job = (
            SpreadsheetJob.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=job_id, status=JobStatus.PENDING)
            .first()
        )
        if job is None:
            return SKIPPED
        job.status, job.started_at, job.attempts, job.done = JobStatus.RUNNING, timezone.now(), job.attempts + 1, 0
        job.save(update_fields=["status", "started_at", "attempts", "done"])
    try:
        model_admin = admin.site._registry[apps.get_model(job.model)]
        model_admin.run_spreadsheet_job(job)
    except Exception as exc:
        error = str(exc) if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, JobError):
            logger.exception("Spreadsheet job %s failed", job.pk)
        SpreadsheetJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=error[:20000], finished_at=timezone.now()
        )
        return FAILED
    if job.source:
        job.source.delete(save=False)  # the uploaded rows are in the database now
    job.status, job.error, job.finished_at = JobStatus.DONE, "", timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "file", "filename", "result", "source"])
    return DONE


def job_save_file(job: SpreadsheetJob, path, *, filename: str) -> None:
    """Keep the finished file under a random name; the official downloads it as `filename`."""
    extension = filename.rsplit(".", 1)[-1]
    with open(path, "rb") as content:
        job.file.save(random_name(extension), File(content), save=False)
    job.filename = filename


@transaction.atomic
def jobs_retry(*, jobs: Iterable[SpreadsheetJob]) -> int:
    """Run failed jobs again from the start (an import's uploaded file was kept for this)."""
    ids = [job.pk for job in jobs if job.status == JobStatus.FAILED]
    count = SpreadsheetJob.objects.filter(pk__in=ids, status=JobStatus.FAILED).update(
        status=JobStatus.PENDING, stage="", error="", done=0, finished_at=None
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: queue_job(pk))
    return count


def jobs_sweep() -> dict[str, int]:
    """Beat's sweep: queue pending jobs whose task was lost (a broker that was down), fail
    jobs left running by a worker that died, and delete jobs and files past their retention."""
    now = timezone.now()
    lost = list(
        SpreadsheetJob.objects.filter(status=JobStatus.PENDING, created_at__lt=now - timedelta(minutes=1)).values_list(
            "pk", flat=True
        )[:100]
    )
    for pk in lost:
        queue_job(pk)
    stale = SpreadsheetJob.objects.filter(
        status=JobStatus.RUNNING, started_at__lt=now - timedelta(seconds=settings.SPREADSHEET_JOB_TIMEOUT_SECONDS)
    ).update(status=JobStatus.FAILED, error="任务中断（工作进程停止或超时），可重试。", finished_at=now)
    expired = 0
    old = SpreadsheetJob.objects.filter(
        created_at__lt=now - timedelta(hours=settings.SPREADSHEET_JOB_RETENTION_HOURS)
    ).exclude(status=JobStatus.RUNNING)
    for job in old.iterator(chunk_size=200):
        for stored in (job.file, job.source):
            if stored:
                stored.delete(save=False)
        job.delete()
        expired += 1
    return {"queued": len(lost), "stale": stale, "expired": expired}
