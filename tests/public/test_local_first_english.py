"""The texts added for "你的社区", the 最近更新 box and the next-step sentence read in English,
and the data they show is marked as Chinese for screen readers."""

from __future__ import annotations

import pytest
from django.conf import settings

from apps.projects.services import project_post_update
from apps.public.display import AREA_COOKIE
from tests import factories as f
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_home_page_picker_and_your_community_read_in_english(english):
    _taishan, hood, *_ = areas()
    project = f.project(title="泰山社区加装电梯", areas=[hood])
    project_post_update(project=project, text="电梯井道已完成开挖。")
    english.cookies[AREA_COOKIE] = str(hood.pk)
    body = english.get("/").content.decode()
    for text in ("Choose your subdistrict and community", "Your community", "Projects here", "Latest progress here"):
        assert text in body
    for text in ("你的社区", "这里的项目", "请选择街道", "本社区"):
        assert text not in body
    assert f'<h4><a href="/projects/{project.pk}/" lang="zh-CN">泰山社区加装电梯</a></h4>' in body


def test_the_project_page_box_and_the_next_step_read_in_english(english):
    project = f.project(title="口袋公园")
    project_post_update(project=project, text="完成设计。")
    body = english.get(f"/projects/{project.pk}/").content.decode()
    assert "Latest update" in body and "最近更新" not in body
    assert '<span lang="zh-CN">完成设计。</span>' in body
    appeal = f.appeal_in("submitted")
    body = english.post("/requests/track/", {"tracking_no": appeal.tracking_no, "phone_last4": "5678"}).content.decode()
    assert "What happens next" in body and "Staff will accept it by" in body
