"""A sub-project is public only while its parent is: nowhere is it shown before."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.appeals.services import appeal_link_projects, appeal_set_publication
from apps.projects.services import project_post_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_published_sub_project_of_an_unpublished_parent_stays_hidden(client):
    official = f.official()
    parent = f.project(title="老旧小区改造（草稿）", is_public=False)
    child = f.project(title="隐藏的子项目", parent=parent, is_public=True)
    project_post_update(project=child, text="子项目进展不应公开")
    appeal = f.appeal_in("in_progress", title="楼道漏水")
    appeal_set_publication(appeal=appeal, approved=True, by=official)
    appeal_link_projects(appeal=appeal, projects=[child], by=official)
    api = APIClient()
    pages = {
        "/": client.get("/"),
        "/requests/": client.get("/requests/"),
        "/feeds/updates/": client.get("/feeds/updates/"),
        "api list": api.get("/api/v1/requests/"),
        "api detail": api.get(f"/api/v1/requests/{appeal.pk}/"),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        body = response.content.decode()
        assert "隐藏的子项目" not in body and "子项目进展不应公开" not in body, where
    assert "楼道漏水" in pages["/requests/"].content.decode()
    assert client.get(f"/projects/{child.pk}/").status_code == 404
    assert api.get(f"/api/v1/projects/{child.pk}/").status_code == 404
