"""红黄绿灯 at the threshold edges (defaults: yellow above 10, red above 30 points behind)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apps.projects.models import Health, Project, ProjectStatus
from apps.projects.services import health_dates, project_set_progress
from tests import factories as f

START = date(2026, 1, 1)
FINISH = START + timedelta(days=100)  # one percentage point per day


def colour(progress: str, day: int) -> str:
    """The colour `day` days after the start of a project at `progress`, as the model tells it
    from the dates the service computes."""
    yellow_from, red_from = health_dates(
        planned_start=START, planned_finish=FINISH, progress=Decimal(progress), completed=False
    )
    project = Project(planned_start=START, planned_finish=FINISH, yellow_from=yellow_from, red_from=red_from)
    return project.health_on(START + timedelta(days=day)).value


@pytest.mark.parametrize(
    ("progress", "day", "expected"),
    [
        ("50", 50, "green"),  # on schedule
        ("50", 60, "green"),  # exactly 10 behind: still green
        ("50", 61, "yellow"),  # 11 behind
        ("50", 80, "yellow"),  # exactly 30 behind: still yellow
        ("50", 81, "red"),  # 31 behind
        ("50.5", 60, "green"),  # 9.5 behind
        ("50.5", 61, "yellow"),  # 10.5 behind: more than 10
        ("0", 10, "green"),
        ("0", 11, "yellow"),
        ("0", 31, "red"),
        ("95", 100, "green"),  # can never be more than 5 behind
        ("95", 400, "green"),
        ("75", 200, "yellow"),  # after the planned finish, expected stays 100: 25 behind
        ("60", 200, "red"),  # 40 behind
    ],
)
def test_health_at_the_threshold_edges(progress, day, expected):
    assert colour(progress, day) == expected


def test_thresholds_come_from_settings(settings):
    settings.HEALTH_YELLOW_THRESHOLD = 20
    settings.HEALTH_RED_THRESHOLD = 40
    assert colour("50", 61) == "green"
    assert colour("50", 71) == "yellow"
    assert colour("50", 91) == "red"


def test_completed_projects_are_green():
    assert health_dates(planned_start=START, planned_finish=FINISH, progress=Decimal("3"), completed=True) == (
        None,
        None,
    )


@pytest.mark.django_db
def test_a_stored_project_turns_yellow_and_red_on_its_dates():
    today = f.days_ago(0)
    project = f.project(planned_start=today - timedelta(days=50), planned_finish=today + timedelta(days=50))
    project_set_progress(project=project, progress=Decimal("50"))
    project.refresh_from_db()
    assert project.health_on(today) == Health.GREEN
    assert project.health_on(today + timedelta(days=10)) == Health.GREEN
    assert project.health_on(today + timedelta(days=11)) == Health.YELLOW
    assert project.health_on(today + timedelta(days=31)) == Health.RED

    project_set_progress(project=project, progress=Decimal("10"))
    project.refresh_from_db()
    assert project.health == Health.RED
    assert project.expected_progress(today) == Decimal("50.0")


@pytest.mark.django_db
def test_finishing_a_late_project_makes_it_green():
    today = f.days_ago(0)
    project = f.project(planned_start=today - timedelta(days=90), planned_finish=today + timedelta(days=10))
    assert project.health == Health.RED
    project.status = ProjectStatus.COMPLETED
    project.actual_start = today - timedelta(days=90)
    project.actual_finish = today
    from apps.projects.services import project_save

    project_save(project=project)
    project.refresh_from_db()
    assert project.health == Health.GREEN
