from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database and MEDIA_ROOT, after checking every "
        "checksum. --force replaces a database and files that are there."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--force", action="store_true", help="replace the current database and files")

    def handle(self, *args, directory: Path, force: bool, **options) -> None:
        try:
            summary = backup_restore(directory=directory, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the database and {summary.files} files from {directory}")
