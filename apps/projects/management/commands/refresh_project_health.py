from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.projects.models import Project
from apps.projects.services import project_refresh_schedule


class Command(BaseCommand):
    help = "重新计算所有项目的红黄灯日期（修改 HEALTH_*_THRESHOLD 后运行）。"

    def handle(self, *args, **options):
        changed = 0
        fields = ["yellow_from", "red_from"]
        with transaction.atomic():
            batch = []
            for project in Project.objects.only("pk", "planned_start", "planned_finish", "progress", "status", *fields):
                before = (project.yellow_from, project.red_from)
                project_refresh_schedule(project=project)
                if before != (project.yellow_from, project.red_from):
                    batch.append(project)
                    changed += 1
                if len(batch) >= 1000:
                    Project.objects.bulk_update(batch, fields)
                    batch = []
            Project.objects.bulk_update(batch, fields)
        self.stdout.write(f"{changed} 个项目的红黄灯日期已更新。")
