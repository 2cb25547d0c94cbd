from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or SQLite's backup API) and MEDIA_ROOT into DIR, "
        "with a manifest of checksums."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty folder")

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            summary = backup_create(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backed up the database ({summary.database_bytes:,} bytes) and {summary.files} files into {directory}"
        )
