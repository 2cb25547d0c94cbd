"""The three-level problem classification: loaded by its migration, set at 受理 through the
admin and the API, picked (first level) by residents, and filtering the admin list, the public
list and the API by any level with everything under it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import ScopeKind
from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.models import Appeal
from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.categories.models import ProblemCategory
from apps.categories.selectors import category_path
from tests import factories as f
from tests.admin.conftest import staff
from tests.api.conftest import keyed_client
from tests.public.helpers import areas, form_data

pytestmark = pytest.mark.django_db


def cat(code: str) -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def published(**fields) -> Appeal:
    appeal = f.appeal(**fields)
    return appeal_set_publication(appeal=appeal, approved=True)


def test_the_migration_loads_three_levels_with_hierarchical_codes():
    assert ProblemCategory.objects.filter(level=1).count() == 12
    assert ProblemCategory.objects.filter(level=2).count() == 41
    assert ProblemCategory.objects.filter(level=3).count() == 116
    for item in ProblemCategory.objects.select_related("parent"):
        assert len(item.code) == 2 * item.level
        if item.parent:
            assert item.code.startswith(item.parent.code) and item.parent.level == item.level - 1
    assert category_path(cat("010101")) == "城乡建设 › 住房物业 › 电梯故障"


def test_a_class_is_checked_against_its_parent():
    bad = ProblemCategory(code="0299", name="错位", parent=cat("01"))
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "code" in error.value.message_dict
    too_deep = ProblemCategory(code="01010101", name="四级", parent=cat("010101"))
    with pytest.raises(ValidationError):
        too_deep.full_clean()


def test_a_district_official_adds_a_class_in_the_admin_and_a_subdistrict_official_cannot(client):
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    response = client.post(
        "/admin/categories/problemcategory/add/",
        {"parent": cat("0101").pk, "code": "010199", "name": "楼道照明", "name_en": "", "order": 9, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = cat("010199")
    assert added.level == 3 and added.parent.code == "0101"
    client.force_login(staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=f.subdistrict())))
    assert client.get(f"/admin/categories/problemcategory/{added.pk}/change/").status_code == 200  # read only
    response = client.post(f"/admin/categories/problemcategory/{added.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert client.get("/admin/categories/problemcategory/add/").status_code == 403


def test_the_dispatcher_sets_the_class_at_accept_in_the_admin(client):
    appeal = f.appeal(category=cat("01"))
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    page = client.get(f"/admin/appeals/appeal/{appeal.pk}/workflow/accept/")
    assert "城乡建设 › 住房物业 › 电梯故障" in page.content.decode()
    response = client.post(f"/admin/appeals/appeal/{appeal.pk}/workflow/accept/", {"category": "010101", "note": ""})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "accepted" and appeal.category.code == "010101"
    change = client.get(f"/admin/appeals/appeal/{appeal.pk}/change/").content.decode()
    assert "城乡建设 › 住房物业 › 电梯故障" in change


def test_an_inactive_class_is_refused_at_accept_with_a_form_error(client):
    retired = cat("010102")
    retired.is_active = False
    retired.save()
    appeal = f.appeal()
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    response = client.post(f"/admin/appeals/appeal/{appeal.pk}/workflow/accept/", {"category": "010102"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "submitted"
    with pytest.raises(ValidationError):
        appeal_transition(appeal=appeal, action="accept", category=retired)


def test_the_admin_list_filters_by_any_level_including_descendants(client):
    lift = f.appeal(title="电梯坏了", category=cat("010101"))
    leak = f.appeal(title="屋顶漏水", category=cat("010104"))
    noise = f.appeal(title="工地太吵", category=cat("030201"))
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    body = client.get("/admin/appeals/appeal/?category=01").content.decode()
    assert lift.tracking_no in body and leak.tracking_no in body and noise.tracking_no not in body
    body = client.get("/admin/appeals/appeal/?category=010101").content.decode()
    assert lift.tracking_no in body and leak.tracking_no not in body


def test_the_dispatch_key_accepts_with_a_class_code_and_a_bad_code_is_a_400():
    client = keyed_client(api_key_create(name="12345 热线平台", scope=ApiScope.DISPATCH)[1])
    appeal = f.appeal()
    url = f"/api/v1/requests/{appeal.pk}/transitions/"
    response = client.post(url, {"action": "accept", "category": "999999"}, format="json")
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    response = client.post(url, {"action": "accept", "category": "090102"}, format="json")
    assert response.status_code == 200
    assert response.json()["category"] == {"code": "090102", "name": "消防设施损坏", "level": 3}


def test_the_api_filters_published_requests_by_class_and_rejects_a_malformed_code(client):
    lift = published(category=cat("010101"))
    published(category=cat("030201"))
    data = client.get("/api/v1/requests/?category=0101").json()
    assert [item["id"] for item in data["results"]] == [lift.pk]
    assert client.get("/api/v1/requests/?category=abc").status_code == 400


def test_a_submitting_system_may_give_a_class(client):
    key = api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT, channel="hotline")[1]
    area = f.community()
    body = {"external_id": "GD-1", "type": "complaint", "area": area.pk, "title": "噪声", "content": "工地夜间施工。"}
    response = keyed_client(key).post("/api/v1/requests/", {**body, "category": "03"}, format="json")
    assert response.status_code == 201
    assert Appeal.objects.get(external_id="GD-1").category.code == "03"


def test_residents_pick_a_first_level_class_on_the_public_form(client):
    taishan, community, _, _ = areas()
    page = client.get("/requests/new/").content.decode()
    assert 'name="category"' in page and "城乡建设" in page and "电梯故障" not in page
    response = client.post("/requests/new/", form_data(taishan, community, category="09"))
    assert response.status_code == 302
    assert Appeal.objects.get().category.code == "09"
    response = client.post("/requests/new/", form_data(taishan, community, category="090101"))
    assert response.status_code == 200  # only first levels are offered
    assert "请从列表中选择" in response.content.decode()


def test_the_public_list_filters_by_class_including_descendants(client):
    lift = published(title="电梯坏了", category=cat("010101"))
    noise = published(title="工地太吵", category=cat("030201"))
    lift.refresh_from_db()
    noise.refresh_from_db()
    body = client.get("/requests/?category=01").content.decode()
    assert lift.published_title in body and noise.published_title not in body
    assert "电梯故障" in body  # the class is shown on the row
    body = client.get("/requests/").content.decode()
    assert 'name="category"' in body and lift.published_title in body and noise.published_title in body


def test_an_official_registering_a_call_may_class_it(client):
    kuishan = f.subdistrict("奎山街道")
    client.force_login(staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan)))
    data = {
        "channel": "visit",
        "kind": "complaint",
        "category": "090103",
        "area": f.community(parent=kuishan).pk,
        "title": "楼道飞线充电",
        "content": "5号楼有人从窗口拉电线给电动车充电。",
        "submitter_name": "李桂兰",
        "submitter_phone": "13655556666",
    }
    page = client.get("/admin/appeals/appeal/add/").content.decode()
    assert "暂不归类" in page
    assert client.post("/admin/appeals/appeal/add/", data).status_code == 302
    assert Appeal.objects.get(title="楼道飞线充电").category.code == "090103"
    response = client.post("/admin/appeals/appeal/add/", {**data, "category": "1"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
