from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.reports.services import snapshot_backfill, snapshot_take


@shared_task(name="reports.take_snapshots")
def take_snapshots() -> int:
    """Nightly: the final snapshot of every ended month that lacks one (the month that just
    ended, on the 1st), and the running month's provisional one, so its report is a day old at most."""
    taken = snapshot_backfill()
    snapshot_take(month=timezone.localdate())
    return len(taken) + 1
