"""Officials see exactly their scope in the back office: lists, change pages, history, autocomplete."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.admin.conftest import *  # noqa: F403  (officials and their areas)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kuishan, taishan, zhujian):
    minzheng = f.department("区民政局")
    return {
        "k_project": f.project(title="奎园社区加装电梯", areas=[f.community(parent=kuishan)], lead_department=minzheng),
        "t_project": f.project(title="泰山社区口袋公园", areas=[f.community(parent=taishan)], lead_department=minzheng),
        "z_project": f.project(
            title="文昌社区飞线充电整治", areas=[f.community(parent=taishan)], lead_department=zhujian
        ),
        "co_project": f.project(
            title="兴泰社区老旧小区改造",
            areas=[f.community(parent=taishan)],
            lead_department=minzheng,
            co_departments=[zhujian],
        ),
        "k_appeal": f.appeal_in("assigned", handler=minzheng, area=f.community(parent=kuishan), title="奎东路灯不亮"),
        "t_appeal": f.appeal_in("assigned", handler=zhujian, area=f.community(parent=taishan), title="泰山楼道漏水"),
        "t_other": f.appeal_in("assigned", handler=minzheng, area=f.community(parent=taishan), title="康居垃圾清运"),
    }


def listed(client, model: str, query: str = "") -> str:
    response = client.get(reverse(f"admin:{model}_changelist") + query)
    assert response.status_code == 200
    return response.content.decode()


def results(client, model: str, query: str = "") -> set[int]:
    response = client.get(reverse(f"admin:{model}_changelist") + query)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def status_of(client, model: str, pk: int, view: str = "change") -> int:
    return client.get(reverse(f"admin:{model}_{view}", args=[pk])).status_code


def test_a_district_official_sees_every_project_and_request(as_official, district_official, world):
    client = as_official(district_official)
    projects = listed(client, "projects_project")
    appeals = listed(client, "appeals_appeal")
    for key in ("k_project", "t_project", "z_project", "co_project"):
        assert world[key].title in projects
    for key in ("k_appeal", "t_appeal", "t_other"):
        assert world[key].tracking_no in appeals
        assert status_of(client, "appeals_appeal", world[key].pk) == 200


def test_a_subdistrict_official_lists_only_that_subdistrict(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    projects = listed(client, "projects_project")
    appeals = listed(client, "appeals_appeal")
    assert world["k_project"].title in projects
    assert world["t_project"].title not in projects
    assert world["k_appeal"].tracking_no in appeals
    assert world["t_appeal"].tracking_no not in appeals
    assert world["t_other"].tracking_no not in appeals


def test_a_subdistrict_official_gets_404_for_other_subdistricts_pages(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    assert status_of(client, "projects_project", world["k_project"].pk) == 200
    assert status_of(client, "projects_project", world["t_project"].pk) == 404
    assert status_of(client, "appeals_appeal", world["k_appeal"].pk) == 200
    assert status_of(client, "appeals_appeal", world["t_appeal"].pk) == 404


def test_a_department_official_sees_what_it_leads_co_leads_or_handles(as_official, zhujian_official, world):
    client = as_official(zhujian_official)
    projects = listed(client, "projects_project")
    assert world["z_project"].title in projects
    assert world["co_project"].title in projects
    assert world["k_project"].title not in projects
    assert world["t_project"].title not in projects
    appeals = listed(client, "appeals_appeal")
    assert world["t_appeal"].tracking_no in appeals
    assert world["t_other"].tracking_no not in appeals
    assert status_of(client, "projects_project", world["co_project"].pk) == 200
    assert status_of(client, "projects_project", world["k_project"].pk) == 404
    assert status_of(client, "appeals_appeal", world["t_other"].pk) == 404


def test_history_pages_are_scoped_too(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    assert status_of(client, "projects_project", world["k_project"].pk, "history") == 200
    assert status_of(client, "projects_project", world["t_project"].pk, "history") == 404
    assert status_of(client, "appeals_appeal", world["k_appeal"].pk, "history") == 200
    assert status_of(client, "appeals_appeal", world["t_appeal"].pk, "history") == 404
    version = world["t_project"].history.first().history_id
    url = reverse("admin:projects_project_simple_history", args=[world["t_project"].pk, version])
    assert client.get(url).status_code == 404


def test_workflow_pages_of_out_of_scope_requests_answer_404(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    url = reverse("admin:appeals_appeal_workflow", args=[world["t_appeal"].pk, "sign"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": ""}).status_code == 404
    world["t_appeal"].refresh_from_db()
    assert world["t_appeal"].status == "assigned"


def test_project_autocomplete_offers_only_projects_in_scope(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "appeals", "model_name": "appeal", "field_name": "projects", "term": "社区"},
    )
    assert response.status_code == 200
    titles = {item["text"] for item in response.json()["results"]}
    assert titles == {world["k_project"].title}


def test_searching_does_not_reach_outside_the_scope(as_official, kuishan_official, world):
    client = as_official(kuishan_official)
    assert results(client, "appeals_appeal", f"?q={world['t_appeal'].tracking_no}") == set()
    assert results(client, "appeals_appeal", f"?q={world['k_appeal'].tracking_no}") == {world["k_appeal"].pk}
    assert results(client, "appeals_appeal", "?q=13912345678") == {world["k_appeal"].pk}


def test_an_account_without_an_official_scope_sees_nothing(as_official, world):
    from django.contrib.auth import get_user_model

    from tests.admin.conftest import staff

    nobody = staff(get_user_model().objects.create_user("nobody", password="pw-quanshan-123", is_staff=True))
    client = as_official(nobody)
    assert results(client, "projects_project") == set()
    assert results(client, "appeals_appeal") == set()
    assert status_of(client, "appeals_appeal", world["k_appeal"].pk) == 404
