"""`python manage.py rebuild_rollups [--from DATE --to DATE]`: recompute the figures' daily rollups."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.appeals.models import Appeal, AppealDay, AppealGroupDay
from apps.appeals.rollups import rollups_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = (
        "从诉求及其办理记录重新计算统计用的日汇总（按站点时区的自然日）。"
        "在绕过办理流程的批量修改（导入、SQL、COPY）之后运行；不加日期时重算全部。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", help="起始日期 YYYY-MM-DD（含）")
        parser.add_argument("--to", dest="last", help="截止日期 YYYY-MM-DD（含）")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="仅当日汇总为空而已有诉求时重算（升级后首次启动，供 make run 使用）",
        )

    def handle(self, *args, first: str | None, last: str | None, if_empty: bool, **options) -> None:
        built = AppealDay.objects.exists() and AppealGroupDay.objects.exists()  # narrow ones: since 0017
        if if_empty and (built or not Appeal.objects.exists()):
            return
        first_day = _day(first) if first else None
        last_day = _day(last) if last else None
        if first_day and last_day and last_day < first_day:
            raise CommandError("--to 不能早于 --from。")
        started = time.monotonic()
        written = rollups_rebuild(first=first_day, last=last_day)
        rows = "，".join(f"{table} {n:,} 行" for table, n in written.items())
        self.stdout.write(f"日汇总已重算（{time.monotonic() - started:.1f} 秒）：{rows}。")
