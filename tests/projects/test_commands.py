from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from apps.appeals.models import Appeal
from apps.projects.models import Health, Project
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_changing_thresholds_and_refreshing_recolours_projects(settings):
    project = f.project()  # 50 days into 100, no progress: 50 points behind
    assert project.health == Health.RED
    settings.HEALTH_YELLOW_THRESHOLD, settings.HEALTH_RED_THRESHOLD = 40, 60
    out = StringIO()
    call_command("refresh_project_health", stdout=out)
    assert "1 个项目" in out.getvalue()
    assert Project.objects.get(pk=project.pk).health == Health.YELLOW


def test_the_purge_command_erases_old_contact_details():
    appeal = f.appeal_in("closed")
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=appeal.closed_at.replace(year=2000))
    call_command("purge_appeal_contacts", "--days", "30", stdout=StringIO())
    assert Appeal.objects.get(pk=appeal.pk).submitter_phone == ""
