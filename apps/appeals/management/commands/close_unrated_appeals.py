from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.appeals.services import appeal_close_unrated


class Command(BaseCommand):
    help = "把办结后超过期限仍未评价、未回访的诉求关闭为“未评价”（每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.APPEAL_RATING_DAYS)

    def handle(self, *args, days: int, **options):
        closed = appeal_close_unrated(days=days)
        self.stdout.write(f"已将 {closed} 件办结超过 {days} 天未评价的诉求关闭为“未评价”。")
