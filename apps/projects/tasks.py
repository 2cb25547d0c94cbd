from __future__ import annotations

from celery import shared_task

from apps.projects.services import projects_refresh_health


@shared_task(name="projects.refresh_health")
def refresh_health() -> int:
    """Each day moves 序时进度: the stored 红黄灯 dates are recomputed after midnight."""
    return projects_refresh_health()
