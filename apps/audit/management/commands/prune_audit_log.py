from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import audit_prune


class Command(BaseCommand):
    help = (
        "Delete audit entries older than AUDIT_RETENTION_DAYS (or --days); "
        "refuses less than AUDIT_RETENTION_MIN_DAYS (180, 网络安全法 art. 21)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep this many days instead of the setting")

    def handle(self, *args, days: int | None, **options) -> None:
        try:
            deleted = audit_prune(older_than_days=days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kept = settings.AUDIT_RETENTION_DAYS if days is None else days
        self.stdout.write(f"deleted {deleted} audit entries older than {kept} days")
