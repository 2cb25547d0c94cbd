from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.projects.services import projects_refresh_health


class Command(BaseCommand):
    help = "重新计算所有项目的红黄灯日期（修改 HEALTH_*_THRESHOLD 后运行）。"

    def handle(self, *args, **options):
        changed = projects_refresh_health()
        self.stdout.write(f"{changed} 个项目的红黄灯日期已更新。")
