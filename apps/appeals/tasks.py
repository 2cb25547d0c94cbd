"""The closed loop's scheduled jobs (Celery beat; the management commands do the same by hand)."""

from __future__ import annotations

from celery import shared_task

from apps.appeals.services import appeal_close_unrated, appeal_purge_contacts


@shared_task(name="appeals.close_unrated")
def close_unrated() -> int:
    """未评价: requests resolved longer than APPEAL_RATING_DAYS ago that nobody rated."""
    return appeal_close_unrated()


@shared_task(name="appeals.purge_contacts")
def purge_contacts() -> int:
    """Residents' contact details of requests finished longer than the retention period ago."""
    return appeal_purge_contacts()
