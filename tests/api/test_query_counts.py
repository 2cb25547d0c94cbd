"""List endpoints run a fixed number of queries, whatever the page size or the amount of data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appeals.services import appeal_accept, appeal_assign, appeal_link_projects, appeal_set_publication
from apps.projects.models import Milestone
from apps.projects.services import milestone_save, project_photo_add, project_post_update
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    cache.clear()  # measure the computation, not a shared cached response
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


class World:
    """A growing data set: every call to `grow(n)` adds n of everything the lists show."""

    def __init__(self, department):
        self.department = department
        self.subdistrict = factories.subdistrict("奎山街道")
        self.project = None

    def grow(self, n: int) -> None:
        for _ in range(n):
            community = factories.community(parent=self.subdistrict)
            project = factories.project(
                areas=[community, self.subdistrict],
                co_departments=[factories.department()],
                lead_department=self.department,
            )
            milestone_save(milestone=Milestone(project=project, title="设计", planned_date=timezone.localdate()))
            update = project_post_update(project=project, text="进场")
            project_photo_add(project=project, upload=factories.jpeg_with_gps(), update=update, is_cover=True)
            self.project = self.project or project
            project_post_update(project=self.project, text="又一次进展")
            appeal = factories.appeal(area=community)
            appeal_set_publication(appeal=appeal, approved=True)
            appeal_link_projects(appeal=appeal, projects=[project])
            appeal_accept(appeal=appeal)
            appeal_assign(appeal=appeal, department=self.department)


ENDPOINTS: list[tuple[str, Callable[[World], str], str]] = [
    ("programmes", lambda w: "/api/v1/programmes/", "anonymous"),
    ("areas", lambda w: "/api/v1/areas/", "anonymous"),
    ("departments", lambda w: "/api/v1/departments/", "anonymous"),
    ("projects", lambda w: "/api/v1/projects/", "anonymous"),
    ("projects by area", lambda w: f"/api/v1/projects/?area={w.subdistrict.pk}&health=red", "anonymous"),
    ("project detail", lambda w: f"/api/v1/projects/{w.project.pk}/", "anonymous"),
    ("project updates", lambda w: f"/api/v1/projects/{w.project.pk}/updates/", "anonymous"),
    ("published requests", lambda w: "/api/v1/requests/", "anonymous"),
    ("requests by area", lambda w: f"/api/v1/requests/?area={w.subdistrict.pk}&status=assigned", "anonymous"),
    ("private requests", lambda w: "/api/v1/requests/", "read_private"),
    ("department requests", lambda w: "/api/v1/requests/", "department"),
    ("stats", lambda w: "/api/v1/stats/", "anonymous"),
]
# A list's count runs under a statement timeout on PostgreSQL (apps.common.paging): a savepoint,
# reading and setting the timeout twice and the release add five fixed queries there.
COUNT_EXTRA = 5 if connection.vendor == "postgresql" else 0
# Each list is count + page + one query per prefetched relation; keys add the key lookup.
MAX_QUERIES = 8 + COUNT_EXTRA


def test_list_query_counts_do_not_grow_with_page_size_or_data(department, department_key, private_key):
    clients = {
        "anonymous": APIClient(),
        "read_private": keyed_client(private_key[1]),
        "department": keyed_client(department_key[1]),
    }
    for client in clients.values():
        client.get("/api/v1/")  # a key's first use also records last_used_at; measure steady state
    world = World(department)
    world.grow(3)

    def counts(page_size: int) -> dict[str, int]:
        result = {}
        for name, url_of, client_kind in ENDPOINTS:
            url = url_of(world)
            sep = "&" if "?" in url else "?"
            result[name] = count_queries(clients[client_kind], f"{url}{sep}page_size={page_size}")
        return result

    small = counts(5)
    assert max(small.values()) <= MAX_QUERIES, small
    assert counts(50) == small
    world.grow(27)
    assert counts(50) == small


def test_exports_run_a_fixed_number_of_queries(department):
    client = APIClient()
    urls = ["/api/v1/projects/export.csv", "/api/v1/requests/export.xlsx"]
    world = World(department)
    world.grow(2)
    small = [count_queries(client, url) for url in urls]
    world.grow(18)
    assert [count_queries(client, url) for url in urls] == small
