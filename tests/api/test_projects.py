from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.places.services import area_create
from apps.projects.models import Milestone, Project, ProjectStatus
from apps.projects.services import milestone_save, project_photo_add, project_post_update, project_save
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_only_published_projects_are_listed(api):
    shown = factories.project()
    factories.project(is_public=False)
    assert ids(api.get("/api/v1/projects/")) == {shown.pk}


def test_a_sub_project_of_an_unpublished_parent_stays_hidden(api):
    parent = factories.project(is_public=False)
    factories.project(parent=parent)
    assert ids(api.get("/api/v1/projects/")) == set()


def test_projects_filter_by_programme_status_and_year(api):
    today = timezone.localdate()
    match = factories.project(programme_code="lvse", status=ProjectStatus.IN_PROGRESS, year=today.year)
    factories.project(programme_code="bianmin", status=ProjectStatus.IN_PROGRESS, year=today.year)
    factories.project(programme_code="lvse", status=ProjectStatus.PLANNED, year=today.year)
    factories.project(programme_code="lvse", status=ProjectStatus.IN_PROGRESS, year=today.year - 1)
    response = api.get("/api/v1/projects/", {"programme": "lvse", "status": "in_progress", "year": today.year})
    assert ids(response) == {match.pk}
    assert ids(api.get("/api/v1/projects/", {"programme": "unknown"})) == set()


def test_the_area_filter_includes_everything_under_a_subdistrict(api):
    kuishan = factories.subdistrict("奎山街道")
    kuiyuan = factories.community("奎园社区", parent=kuishan)
    compound = area_create(name="奎园小区", level=4, parent=kuiyuan)
    elsewhere = factories.community(parent=factories.subdistrict("泰山街道"))
    on_subdistrict = factories.project(areas=[kuishan])
    on_community = factories.project(areas=[kuiyuan])
    on_compound = factories.project(areas=[compound])
    factories.project(areas=[elsewhere])
    assert ids(api.get("/api/v1/projects/", {"area": kuishan.pk})) == {
        on_subdistrict.pk,
        on_community.pk,
        on_compound.pk,
    }
    assert ids(api.get("/api/v1/projects/", {"area": kuiyuan.pk})) == {on_community.pk, on_compound.pk}
    assert len(ids(api.get("/api/v1/projects/", {"area": factories.district().pk}))) == 4


def test_a_project_on_two_areas_is_listed_once(api):
    kuishan = factories.subdistrict("奎山街道")
    project = factories.project(areas=[factories.community(parent=kuishan), factories.community(parent=kuishan)])
    response = api.get("/api/v1/projects/", {"area": kuishan.pk})
    assert [row["id"] for row in response.json()["results"]] == [project.pk]


def test_the_health_filter_uses_todays_schedule(api):
    today = timezone.localdate()
    long_ago = dict(planned_start=today - timedelta(days=90), planned_finish=today + timedelta(days=10))
    red = factories.project(progress=Decimal("5"), **long_ago)
    yellow = factories.project(progress=Decimal("70"), **long_ago)
    green = factories.project(progress=Decimal("95"), **long_ago)
    assert ids(api.get("/api/v1/projects/", {"health": "red"})) == {red.pk}
    assert ids(api.get("/api/v1/projects/", {"health": "yellow"})) == {yellow.pk}
    assert ids(api.get("/api/v1/projects/", {"health": "green"})) == {green.pk}
    row = next(r for r in api.get("/api/v1/projects/").json()["results"] if r["id"] == red.pk)
    assert row["health"] == "red"
    assert row["expected_progress"] == 90.0


def test_updated_since_search_and_ordering(api):
    old = factories.project(title="加装电梯 东村小区", progress=Decimal("10"))
    new = factories.project(title="口袋公园", summary="东村 口袋公园", progress=Decimal("80"))
    cutoff = timezone.now() - timedelta(hours=1)
    Project.objects.filter(pk=old.pk).update(updated_at=cutoff - timedelta(days=3))
    assert ids(api.get("/api/v1/projects/", {"updated_since": cutoff.isoformat()})) == {new.pk}
    assert ids(api.get("/api/v1/projects/", {"q": "东村"})) == {old.pk, new.pk}
    assert ids(api.get("/api/v1/projects/", {"q": "电梯"})) == {old.pk}
    ordered = api.get("/api/v1/projects/", {"ordering": "-progress"}).json()["results"]
    assert [r["id"] for r in ordered] == [new.pk, old.pk]
    ordered = api.get("/api/v1/projects/", {"ordering": "progress"}).json()["results"]
    assert [r["id"] for r in ordered] == [old.pk, new.pk]
    assert "ordering" in api.get("/api/v1/projects/", {"ordering": "submitter"}).json()["error"]["fields"]


def test_top_level_and_parent_filters(api):
    parent = factories.project()
    child = factories.project(parent=parent)
    assert ids(api.get("/api/v1/projects/", {"top_level": "true"})) == {parent.pk}
    assert ids(api.get("/api/v1/projects/", {"parent": parent.pk})) == {child.pk}
    assert "top_level" in api.get("/api/v1/projects/", {"top_level": "maybe"}).json()["error"]["fields"]


def test_pagination_defaults_to_20_and_allows_up_to_200(api):
    lead = factories.department()
    for _ in range(23):
        factories.project(lead_department=lead)
    page = api.get("/api/v1/projects/").json()
    assert page["count"] == 23 and len(page["results"]) == 20 and page["next"].endswith("page=2")
    assert len(api.get("/api/v1/projects/", {"page_size": 500}).json()["results"]) == 23


def test_a_project_has_milestones_updates_photos_areas_and_money(api):
    community = factories.community()
    co = factories.department("区民政局")
    project = factories.project(
        areas=[community],
        co_departments=[co],
        planned_investment=Decimal("250.50"),
        invested=Decimal("100.20"),
        official_name="张明",
        official_title="副局长",
    )
    milestone_save(milestone=Milestone(project=project, title="完成设计", planned_date=timezone.localdate(), weight=1))
    update = project_post_update(project=project, text="施工队进场")
    project_photo_add(project=project, upload=factories.jpeg_with_gps(), caption="进场", update=update, is_cover=True)
    body = api.get(f"/api/v1/projects/{project.pk}/").json()
    assert body["programme"] == "bianmin"
    assert body["planned_investment"] == 250.5 and body["invested"] == 100.2 and body["investment_ratio"] == 40.0
    assert body["areas"] == [{"id": community.pk, "name": community.name, "level": 3}]
    assert body["co_departments"][0]["name"] == "区民政局"
    assert body["milestones"][0]["title"] == "完成设计"
    assert body["progress_source"] == "milestones"
    assert body["recent_updates"][0]["text"] == "施工队进场"
    photo_url = body["recent_updates"][0]["photos"][0]["url"]
    assert photo_url.startswith("http://testserver/media/projects/")
    assert body["cover_photo"] == photo_url == body["photos"][0]["url"]
    assert body["official_name"] == "张明"
    assert body["updated_at"].endswith("+08:00")
    assert body["updates_url"].endswith(f"/api/v1/projects/{project.pk}/updates/")


def test_an_unpublished_project_is_a_404(api):
    assert api.get(f"/api/v1/projects/{factories.project(is_public=False).pk}/").status_code == 404


def test_a_projects_updates_are_listed_newest_first(api):
    project = factories.project()
    first = project_post_update(project=project, text="一", on=timezone.localdate() - timedelta(days=3))
    second = project_post_update(project=project, text="二")
    body = api.get(f"/api/v1/projects/{project.pk}/updates/").json()
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]


class TestPostingAnUpdate:
    def test_the_lead_departments_key_posts_an_update_through_the_service(self, department_client, department):
        project = factories.project(lead_department=department)
        response = department_client.post(
            f"/api/v1/projects/{project.pk}/updates/", {"text": "主体完工", "progress": 65}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["progress"] == 65.0
        project.refresh_from_db()
        assert project.progress == Decimal("65")
        assert project.updates.get().text == "主体完工"

    def test_other_departments_and_other_scopes_are_refused(self, department_client, private_client, api):
        project = factories.project()
        url = f"/api/v1/projects/{project.pk}/updates/"
        assert department_client.post(url, {"text": "x"}, format="json").status_code == 403
        assert private_client.post(url, {"text": "x"}, format="json").status_code == 403
        assert api.post(url, {"text": "x"}, format="json").status_code == 401
        assert not project.updates.exists()

    def test_bad_input_is_a_400_with_fields(self, department_client, department):
        project = factories.project(lead_department=department)
        url = f"/api/v1/projects/{project.pk}/updates/"
        response = department_client.post(url, {"text": "", "progress": 120, "date": "2026-13-01"}, format="json")
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {"text", "progress", "date"}
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = department_client.post(url, {"text": "x", "date": tomorrow}, format="json")
        assert response.status_code == 400
        assert "date" in response.json()["error"]["fields"]

    def test_progress_derived_from_milestones_is_refused_not_overwritten(self, department_client, department):
        project = factories.project(lead_department=department)
        milestone_save(milestone=Milestone(project=project, title="a", planned_date=timezone.localdate()))
        url = f"/api/v1/projects/{project.pk}/updates/"
        response = department_client.post(url, {"text": "x", "progress": 90}, format="json")
        assert response.status_code == 400
        assert "progress" in response.json()["error"]["fields"]
        assert not project.updates.exists()
        response = department_client.post(url, {"text": "x"}, format="json")
        assert response.status_code == 201
        assert response.json()["progress"] == 0.0

    def test_a_department_may_post_to_its_own_unpublished_project(self, department):
        _key, raw = api_key_create(name="x", scope=ApiScope.DEPARTMENT, department=department)
        project = factories.project(lead_department=department, is_public=False)
        response = keyed_client(raw).post(f"/api/v1/projects/{project.pk}/updates/", {"text": "x"}, format="json")
        assert response.status_code == 201


def test_project_save_keeps_the_list_consistent(api):
    project = factories.project()
    project.title = "新名称"
    project_save(project=project)
    assert api.get("/api/v1/projects/").json()["results"][0]["title"] == "新名称"
