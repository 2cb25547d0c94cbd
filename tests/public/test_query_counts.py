"""Each public page runs a fixed number of queries, on small data and on ten times as much."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.public.site_data import neighbourhood

pytestmark = pytest.mark.django_db

# Page → the most queries it may run, whatever the amount of data.
MAX_QUERIES = {
    "home": 8,
    "programme": 6,
    "project_list": 6,
    "project_list_filtered": 6,
    "project": 9,
    "subdistrict": 7,
    "community": 7,
    "feed_all": 1,
    "feed_programme": 2,
    "feed_project": 2,
    "feed_area": 2,
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
