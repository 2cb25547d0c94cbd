from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.api.walkthrough import DOC_PATH, render, walk
from apps.appeals.models import Appeal


class Command(BaseCommand):
    help = (
        "Walk one request through every workflow step over the REST API (real HTTP through Django's test "
        f"client) and write the calls and the API's answers to {DOC_PATH}. Run it on a fresh database: it "
        "creates places, departments, API keys and requests."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / DOC_PATH), help="Where to write.")
        parser.add_argument("--force", action="store_true", help="Run even though the database already holds requests.")

    def handle(self, *args, output: str, force: bool, **options) -> None:
        if Appeal.objects.exists() and not force:
            raise CommandError("The database already holds requests: run this on a fresh one (or pass --force).")
        steps = walk()
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(steps), encoding="utf-8")
        for step in steps:
            self.stdout.write(step.summary)
        self.stdout.write(f"Wrote {len(steps)} steps to {path}.")
