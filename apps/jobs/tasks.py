from __future__ import annotations

from celery import shared_task

from apps.jobs import services


@shared_task(name="jobs.run_spreadsheet", acks_late=True)
def run_spreadsheet(job_id: int) -> str:
    # No automatic retry: a failure is kept with its error for an official to read and retry.
    return services.job_run(job_id)


@shared_task(name="jobs.sweep")
def sweep() -> dict[str, int]:
    return services.jobs_sweep()
