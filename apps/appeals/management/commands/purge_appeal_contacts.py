from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.appeals.services import appeal_purge_contacts


class Command(BaseCommand):
    help = "清除超过保存期限的已关闭诉求中的诉求人姓名和联系方式。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.APPEAL_CONTACT_RETENTION_DAYS)

    def handle(self, *args, days: int, **options):
        purged = appeal_purge_contacts(older_than_days=days)
        self.stdout.write(f"已清除 {purged} 条诉求的个人联系方式（关闭超过 {days} 天）。")
