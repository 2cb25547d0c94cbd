"""Areas and departments in the back office: a tree-ish list, search, scoped pickers, the officials group."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.places.models import Area
from tests import factories as f
from tests.admin.conftest import OFFICIALS_GROUP

pytestmark = pytest.mark.django_db


def test_the_area_list_shows_each_subdistrict_followed_by_its_communities(as_official, district_official):
    first, second = f.subdistrict("王陵街道"), f.subdistrict("奎山街道")
    Area.objects.filter(pk=first.pk).update(order=1)
    Area.objects.filter(pk=second.pk).update(order=2)
    a = f.community("王陵社区", parent=first)
    b = f.community("奎园社区", parent=second)
    response = as_official(district_official).get(reverse("admin:places_area_changelist"))
    names = [area.name for area in response.context["cl"].result_list]
    assert names.index("王陵街道") < names.index(a.name) < names.index("奎山街道") < names.index(b.name)


def test_officials_may_look_at_areas_and_departments_but_not_change_them(as_official, kuishan_official):
    client = as_official(kuishan_official)
    area = f.community()
    assert client.get(reverse("admin:places_area_changelist") + "?q=社区").status_code == 200
    assert client.get(reverse("admin:places_area_add")).status_code == 403
    response = client.post(reverse("admin:places_area_change", args=[area.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert client.get(reverse("admin:places_department_changelist")).status_code == 200


def test_a_subdistrict_official_picks_request_places_only_in_the_subdistrict(
    as_official, kuishan_official, kuishan, taishan
):
    mine = f.community("奎园社区", parent=kuishan)
    f.community("泰山社区", parent=taishan)
    response = as_official(kuishan_official).get(
        reverse("admin:autocomplete"),
        {"app_label": "appeals", "model_name": "appeal", "field_name": "area", "term": "社区"},
    )
    assert [item["id"] for item in response.json()["results"]] == [str(mine.pk)]


def test_the_officials_group_has_the_back_office_permissions():
    codenames = set(Group.objects.get(name=OFFICIALS_GROUP).permissions.values_list("codename", flat=True))
    assert {"view_project", "add_project", "change_project", "change_appeal", "add_appeal"} <= codenames
    assert {"view_area", "view_department", "change_programme", "delete_milestone"} <= codenames
    assert not {"delete_project", "delete_appeal", "change_area", "add_user"} & codenames


def test_the_user_page_shows_the_officials_scope(client, admin_user, kuishan):
    from apps.accounts.models import ScopeKind

    official = f.official("kuishan", scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan)
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "街道 · 奎山街道" in page
    page = client.get(reverse("admin:auth_user_change", args=[official.pk])).content.decode()
    assert "工作人员权限范围" in page
