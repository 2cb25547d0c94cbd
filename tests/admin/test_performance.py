"""The back office's query counts stay flat as data grows; the request list never counts a million rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.common.admin_utils import CappedCountPaginator
from apps.projects.models import Milestone
from apps.projects.services import milestone_save, project_post_update
from tests import factories as f
from tests.admin.conftest import export_file

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def make_appeals(n: int, area, handler) -> None:
    for i in range(n):
        if i % 3 == 0:
            f.appeal_in("assigned", handler=handler, area=area)
        else:
            f.appeal(area=area, submitted_at=timezone.now() - timedelta(days=i))


@pytest.mark.parametrize("query", ["", "?overdue=yes", "?status__exact=assigned", "?q=楼道"])
def test_the_request_list_costs_the_same_for_5_or_50_rows(
    as_official, kuishan_official, kuishan, zhujian, query, django_assert_max_num_queries
):
    area = f.community(parent=kuishan)
    client = as_official(kuishan_official)
    url = reverse("admin:appeals_appeal_changelist") + query
    make_appeals(5, area, zhujian)
    few = queries_for(client, url)
    make_appeals(45, area, zhujian)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["cl"].result_list) > 5 or query


def test_the_project_list_costs_the_same_for_5_or_50_rows(
    as_official, district_official, kuishan, django_assert_max_num_queries
):
    client = as_official(district_official)
    url = reverse("admin:projects_project_changelist")
    for _ in range(5):
        f.project(areas=[f.community(parent=kuishan)])
    few = queries_for(client, url + f"?subdistrict={kuishan.pk}")
    for _ in range(45):
        f.project(areas=[f.community(parent=kuishan)])
    with django_assert_max_num_queries(few):
        client.get(url + f"?subdistrict={kuishan.pk}")


def test_a_project_page_costs_the_same_with_many_milestones_and_updates(
    as_official, district_official, django_assert_max_num_queries
):
    client = as_official(district_official)
    project = f.project()
    url = reverse("admin:projects_project_change", args=[project.pk])

    def grow(n: int) -> None:
        for i in range(n):
            milestone_save(
                milestone=Milestone(project=project, title=f"节点{i}", planned_date=timezone.localdate(), weight=1)
            )
            project_post_update(project=project, text=f"进展{i}", by=district_official)

    grow(2)
    few = queries_for(client, url)
    grow(20)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_a_request_page_costs_the_same_with_a_long_timeline(
    as_official, district_official, django_assert_max_num_queries
):
    from apps.appeals.services import appeal_transition

    client = as_official(district_official)
    short = f.appeal_in("in_progress")
    few = queries_for(client, reverse("admin:appeals_appeal_change", args=[short.pk]))
    long = f.appeal_in("assigned")
    for _ in range(8):
        appeal_transition(appeal=long, action="return", reason="wrong_area")
        appeal_transition(appeal=long, action="assign", department=f.department())
    assert long.events.count() > 15
    with django_assert_max_num_queries(few):
        client.get(reverse("admin:appeals_appeal_change", args=[long.pk]))


def test_the_project_export_costs_the_same_for_5_or_50_projects(
    as_official, district_official, django_assert_max_num_queries
):
    client = as_official(district_official)
    for _ in range(5):
        f.project()
    with CaptureQueriesContext(connection) as captured:
        export_file(client, "projects_project", "csv")
    for _ in range(45):
        f.project()
    with django_assert_max_num_queries(len(captured)):
        response = export_file(client, "projects_project", "csv")
    assert response.content.decode("utf-8-sig").count("\n") == 51


def test_the_request_list_stops_counting_at_the_cap(as_official, district_official, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 10)
    for _ in range(12):
        f.appeal()
    client = as_official(district_official)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:appeals_appeal_changelist"))
    page = response.content.decode()
    assert "超过 10 件" in page
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 11" in counts[0].upper()
    assert Appeal.objects.count() == 12


def test_below_the_cap_the_exact_count_is_shown(as_official, district_official):
    for _ in range(3):
        f.appeal()
    page = as_official(district_official).get(reverse("admin:appeals_appeal_changelist")).content.decode()
    assert "3 件诉求" in page


@pytest.mark.postgres
def test_on_postgres_the_capped_list_shows_the_planners_estimate(as_official, district_official, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        f.appeal()
    response = as_official(district_official).get(reverse("admin:appeals_appeal_changelist"))
    assert response.context["cl"].paginator.estimate is not None
    assert "约" in response.content.decode()
