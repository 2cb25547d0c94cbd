"""红黄灯项目 for leaders: the official's red and yellow projects with 街道, lead department,
planned finish, 序时 and actual progress and how many points behind, furthest behind first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "admin:projects_project_behind"


def behind(as_official, official):
    response = as_official(official).get(reverse(URL))
    assert response.status_code == 200
    return response


def test_red_and_yellow_projects_furthest_behind_first(as_official, kuishan_official, kuishan, taishan):
    # Planned over 100 days, 50 elapsed: 序时进度 50 %. Yellow from 10 points behind, red from 30.
    here = f.community(parent=kuishan)
    red = f.project(title="奎园加装电梯", status=ProjectStatus.IN_PROGRESS, progress=Decimal("12.5"), areas=[here])
    yellow = f.project(title="奎西口袋公园", status=ProjectStatus.IN_PROGRESS, progress=Decimal("35"), areas=[here])
    f.project(title="奎东助餐点", status=ProjectStatus.IN_PROGRESS, progress=Decimal("48"), areas=[here])
    f.project(title="泰山路改造", status=ProjectStatus.IN_PROGRESS, progress=Decimal("1"), areas=[taishan])
    response = behind(as_official, kuishan_official)
    rows = [row for row, _badge in response.context["rows"]]
    assert [row.project.pk for row in rows] == [red.pk, yellow.pk]
    assert [(row.expected, row.gap) for row in rows] == [
        (Decimal("50.0"), Decimal("37.5")),
        (Decimal("50.0"), Decimal("15.0")),
    ]
    page = response.content.decode()
    assert "落后 37.5 个百分点" in page and "落后 15.0 个百分点" in page
    assert "奎山街道" in page and red.lead_department.name in page and "泰山路改造" not in page
    assert red.planned_finish.isoformat() in page


def test_the_list_takes_a_fixed_number_of_queries(
    as_official, district_official, kuishan, django_assert_max_num_queries
):
    client = as_official(district_official)
    f.project(status=ProjectStatus.IN_PROGRESS, progress=Decimal("1"), areas=[f.community(parent=kuishan)])
    client.get(reverse(URL))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(URL))
        return len(captured)

    few = queries()
    for _ in range(5):
        f.project(status=ProjectStatus.IN_PROGRESS, progress=Decimal("1"), areas=[f.community(parent=kuishan)])
    assert queries() == few


def test_the_workbench_links_to_the_list(as_official, district_official):
    page = as_official(district_official).get(reverse("admin:index")).content.decode()
    assert reverse(URL) in page
