"""take_snapshot [--month YYYY-MM] [--replace]: the monthly snapshot behind the reports.

Without --month: every ended month since the first data that has no final snapshot yet (the
month that just ended, when run from cron on the 1st; all past months on a first run, from the
projects' history). Idempotent: a final snapshot is kept unless --replace."""

from __future__ import annotations

from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from apps.reports.services import snapshot_backfill, snapshot_take


def parse_month(value: str) -> date:
    try:
        month = datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise CommandError(f"--month must be YYYY-MM, e.g. 2026-05 (got {value!r})") from error
    if not 2000 <= month.year <= 2100:
        raise CommandError("--month must lie between 2000-01 and 2100-12")
    return month


class Command(BaseCommand):
    help = "Take the monthly snapshot of projects and request figures behind /reports/."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM; default: every ended month without a final snapshot")
        parser.add_argument("--replace", action="store_true", help="retake a final snapshot")

    def handle(self, *args, month=None, replace=False, **options):
        snapshots = [snapshot_take(month=parse_month(month), replace=replace)] if month else snapshot_backfill()
        for snapshot in snapshots:
            state = "final" if snapshot.final else "provisional (month not ended)"
            self.stdout.write(f"{snapshot.month:%Y-%m}: {snapshot.projects.count()} projects, {state}")
        if not snapshots:
            self.stdout.write("Nothing to take: every ended month has its snapshot.")
