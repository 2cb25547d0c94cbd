"""Each public page runs a fixed number of queries, on small data and on ten times as much."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from apps.demo.services import demo_seed
from apps.places.models import Area, AreaLevel
from apps.projects.models import Project
from tests import factories as f
from tests.public.site_data import Neighbourhood, neighbourhood

pytestmark = pytest.mark.django_db

# A list's count runs under a statement timeout on PostgreSQL (apps.common.paging): a savepoint,
# reading and setting the timeout twice and the release add five fixed queries there.
COUNT_EXTRA = 5 if connection.vendor == "postgresql" else 0

# Page → the most queries it may run, whatever the amount of data.
MAX_QUERIES = {
    "home": 10,  # the 三率 from the daily rollups: their request and due tables, and the names
    "programme": 8 + COUNT_EXTRA,  # + the progress trend from the monthly snapshots
    "project_list": 6 + COUNT_EXTRA,
    "project_list_filtered": 6 + COUNT_EXTRA,
    "project": 14,  # + the progress trend (snapshots), + the 票决 line, 满意度测评 results and 视察 (apps.proposals),
    # + the 每月一题 topics it came from (apps.topics)
    "subdistrict": 7,
    "community": 8,  # + the ids of its 小区 (the requests are then read by area index)
    "feed_all": 1,
    "feed_programme": 2,
    "feed_project": 2,
    "feed_area": 2,
    # With the problem classes offered by the filter, and where the count's window starts (the
    # newest LIST_COUNT_WINDOW-th request; beyond it one more: the planner's size of the list).
    "requests": 8 + COUNT_EXTRA,
    "requests_filtered": 8 + COUNT_EXTRA,
    "stats": 7,  # every figure per 街道 and unit (3 rollup tables + 2 names) and two project comparisons
}


def urls(hood) -> dict[str, str]:
    project = hood.projects[0]
    return {
        "home": "/",
        "programme": "/programmes/bianmin/",
        "project_list": "/projects/",
        "project_list_filtered": f"/projects/?area={hood.subdistrict.pk}&health=green&q=电梯&ordering=-progress",
        "project": f"/projects/{project.pk}/",
        "subdistrict": f"/areas/{hood.subdistrict.pk}/",
        "community": f"/areas/{hood.community.pk}/",
        "feed_all": "/feeds/updates/",
        "feed_programme": "/feeds/programmes/bianmin/",
        "feed_project": f"/feeds/projects/{project.pk}/",
        "feed_area": f"/feeds/areas/{hood.subdistrict.pk}/",
        "requests": "/requests/",
        "requests_filtered": f"/requests/?area={hood.subdistrict.pk}&programme=bianmin&status=resolved",
        "stats": "/stats/",
    }


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("page", sorted(MAX_QUERIES))
def test_a_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, page, scale):
    hood = neighbourhood(scale=scale)
    url = urls(hood)[page]
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_the_larger_data_set_really_is_larger_on_the_pages(client):
    hood = neighbourhood(scale=10)
    body = client.get(f"/areas/{hood.subdistrict.pk}/").content.decode()
    assert body.count("康居社区加装电梯") >= 10
    assert body.count("希望加快电梯施工") == 10


@pytest.mark.parametrize("subprojects", [1, 10])
def test_a_project_page_with_sub_projects_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, subprojects
):
    parent = f.project(title="老旧小区改造（总项目）")
    for i in range(subprojects):
        f.project(title=f"子项目{i}", parent=parent, lead_department=f.department())
    with django_assert_max_num_queries(MAX_QUERIES["project"]):
        body = client.get(f"/projects/{parent.pk}/").content.decode()
    assert body.count("子项目") >= subprojects


def demo_urls() -> dict[str, str]:
    """The pages of the busiest published project, 街道 and 社区 of the demo data."""
    project = (
        Project.objects.filter(is_public=True, parent__isnull=True)
        .annotate(n=Count("updates"))
        .order_by("-n", "id")
        .first()
    )
    subdistrict = Area.objects.filter(level=AreaLevel.SUBDISTRICT).annotate(n=Count("projects")).order_by("-n").first()
    community = Area.objects.filter(level=AreaLevel.COMMUNITY, parent=subdistrict).first()
    hood = Neighbourhood(
        subdistrict=subdistrict, community=community, other_subdistrict=subdistrict, projects=[project]
    )
    return urls(hood)


@pytest.mark.parametrize(("projects", "requests"), [(15, 150), (150, 1500)])
def test_pages_run_a_fixed_number_of_queries_on_demo_data_and_ten_times_as_much(
    client, django_assert_max_num_queries, projects, requests
):
    demo_seed(projects=projects, requests=requests, seed=3)
    for page, url in demo_urls().items():
        with django_assert_max_num_queries(MAX_QUERIES[page], info=url):
            response = client.get(url)
        assert response.status_code == 200, url
