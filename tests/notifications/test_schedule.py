"""Beat's schedule: every entry names a task the worker knows, and the domain's nightly jobs run
(and run again harmlessly) through their tasks."""

from __future__ import annotations

import pytest
from django.conf import settings

from quanshan.celery import app

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - set(app.tasks)
    assert not missing


@pytest.mark.parametrize(
    "name",
    [
        "projects.refresh_health",
        "appeals.close_unrated",
        "appeals.purge_contacts",
        "reports.take_snapshots",
        "audit.prune",
        "notifications.official_deadlines",
        "notifications.official_digests",
        "notifications.send_due",
        "webhooks.deliver_due",
    ],
)
def test_each_job_runs_twice_without_harm(name):
    app.loader.import_default_modules()
    task = app.tasks[name]
    first = task.apply().get()
    assert isinstance(first, int)
    assert task.apply().get() in (0, first)
