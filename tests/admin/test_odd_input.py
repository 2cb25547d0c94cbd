"""Odd input in the back office: NUL bytes and impossible years in filters and autocomplete, dates
outside 2000–2100 in forms. A message, never a 500 (PostgreSQL refuses NUL in a query)."""

from __future__ import annotations

import pytest

from apps.projects.models import ProjectStatus
from tests import factories as f
from tests.admin.test_project_admin import change_url, form_data, inline

pytestmark = pytest.mark.django_db

RANGE_MESSAGE = "日期须在 2000-01-01 至 2100-12-31 之间。"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/appeals/appeal/?status=%00",
        "/admin/appeals/appeal/?kind=a%00b",
        "/admin/appeals/appeal/?q=%00",
        "/admin/projects/project/?programme__code__exact=%00",
        "/admin/projects/project/?year=%00",
        "/admin/places/area/?q=x%00",
        "/admin/autocomplete/?term=%00&app_label=appeals&model_name=appeal&field_name=area",
        "/admin/autocomplete/?term=a%00&app_label=projects&model_name=project&field_name=lead_department",
    ],
)
def test_a_nul_byte_in_a_filter_search_or_autocomplete_is_a_400_with_a_message(as_official, district_official, url):
    f.appeal()
    response = as_official(district_official).get(url)
    assert response.status_code == 400
    assert "网址中含有不允许的字符" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/projects/project/?year=-1",
        "/admin/projects/project/?year__exact=-1",
        "/admin/projects/project/?year=99999999999",
        "/admin/appeals/appeal/?department__id__exact=-1",
    ],
)
def test_an_impossible_year_or_id_in_a_filter_is_answered(as_official, district_official, url):
    f.project()
    response = as_official(district_official).get(url)
    assert response.status_code in (200, 302)


def test_project_dates_outside_the_calendar_are_form_errors(as_official, district_official):
    project = f.project(status=ProjectStatus.PLANNED)
    data = form_data(project, planned_start="0001-01-01", planned_finish="9999-12-31")
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["planned_start"] == [RANGE_MESSAGE]
    assert errors["planned_finish"] == [RANGE_MESSAGE]
    project.refresh_from_db()
    assert project.planned_start.year >= 2000


def test_milestone_and_progress_dates_outside_the_calendar_are_form_errors(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    data = form_data(project)
    data.update(inline("milestones", [{"order": 1, "title": "施工", "planned_date": "9999-12-31", "weight": 1}]))
    data.update(inline("updates", [{"date": "0001-01-01", "text": "开工", "progress": "5"}]))
    response = as_official(district_official).post(change_url(project), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(RANGE_MESSAGE) >= 2
    assert not project.milestones.exists() and not project.updates.exists()
