from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.models import Channel
from apps.places.models import Area, AreaLevel, Department


class Command(BaseCommand):
    help = "Create an API key and print it once (the last word of the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Who uses the key, e.g. '12345 热线平台'.")
        parser.add_argument("--scope", required=True, choices=ApiScope.values)
        parser.add_argument("--department", help="Department code; required for --scope department.")
        parser.add_argument("--area", help="街道 code for --scope dispatch (default: the whole district).")
        parser.add_argument(
            "--channel",
            default=Channel.API,
            choices=Channel.values,
            help="Channel recorded on requests submitted with this key (default: api).",
        )

    def handle(
        self, *args, name: str, scope: str, department: str | None, area: str | None, channel: str, **options
    ) -> None:
        subdistrict = None
        if area:
            subdistrict = Area.objects.filter(code=area, level=AreaLevel.SUBDISTRICT).first()
            if subdistrict is None:
                raise CommandError(f"No 街道 with code {area!r}.")
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(f"No department with code {department!r}.")
        try:
            api_key, raw = api_key_create(name=name, scope=scope, department=dept, area=subdistrict, channel=channel)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"Created API key {api_key.prefix} for {api_key.name!r} (scope {api_key.scope}).")
        self.stdout.write("Store it now; it cannot be shown again.")
        self.stdout.write(f"API key: {raw}")
