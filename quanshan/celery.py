"""Celery for background jobs: `celery -A quanshan worker` and `celery -A quanshan beat`.

With no broker configured (no CELERY_BROKER_URL or REDIS_URL) tasks run eagerly in the
process that queued them, after its transaction commits (settings.CELERY_TASK_ALWAYS_EAGER).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanshan.settings")

app = Celery("quanshan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
