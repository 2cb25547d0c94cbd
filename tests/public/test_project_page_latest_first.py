"""A project page opens with its title, status, progress and its latest 进展, before the facts;
its photos open full size with their caption."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.projects.services import project_photo_add, project_post_update
from tests import factories as f
from tests.public.site_data import jpeg

pytestmark = pytest.mark.django_db


def test_the_latest_update_comes_before_the_facts_and_links_to_the_timeline(client):
    project = f.project(title="康居小区加装电梯")
    today = timezone.localdate()
    project_post_update(
        project=project, text="完成设计方案公示。", on=today - timedelta(days=30), progress=Decimal("20")
    )
    latest = project_post_update(
        project=project, text="电梯井道已完成开挖，下周吊装导轨。", on=today, progress=Decimal("60")
    )
    body = client.get(f"/projects/{project.pk}/").content.decode()
    box = body[body.index('id="latest-title"') : body.index("</section>", body.index('id="latest-title"'))]
    assert "电梯井道已完成开挖" in box and today.strftime("%Y-%m-%d") in box
    assert "完成设计方案公示" not in box
    assert f'href="#update-{latest.pk}"' in box and f'id="update-{latest.pk}"' in body
    # Title, progress bar and the box come before the facts.
    title = body.index('<h1 lang="zh-CN">康居小区加装电梯</h1>')
    assert title < body.index('id="progress-main"') < body.index('id="latest-title"')
    assert body.index('id="latest-title"') < body.index('id="facts-title"')


def test_a_project_without_updates_says_so_in_the_box(client):
    project = f.project(title="口袋公园")
    body = client.get(f"/projects/{project.pk}/").content.decode()
    box = body[body.index('id="latest-title"') : body.index("</section>", body.index('id="latest-title"'))]
    assert "暂无进展记录" in box


def test_a_photo_opens_full_size_with_its_caption(client):
    project = f.project(title="口袋公园")
    photo = project_photo_add(project=project, upload=jpeg(), caption="改造前的空地")
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'<a class="photo-link" href="{photo.image.url}">' in body
    assert "改造前的空地" in body
    assert client.get(photo.image.url).status_code == 200


def test_the_timeline_reads_as_changes_of_progress(client):
    project = f.project(title="口袋公园")
    today = timezone.localdate()
    project_post_update(project=project, text="开工。", on=today - timedelta(days=60), progress=Decimal("20"))
    project_post_update(project=project, text="铺装完成。", on=today - timedelta(days=30), progress=Decimal("60"))
    project_post_update(project=project, text="绿化种植。", on=today, progress=Decimal("80"))
    body = client.get(f"/projects/{project.pk}/").content.decode()
    timeline = body[body.index('id="updates"') :]
    assert "进度 60% → 80%" in timeline and "进度 20% → 60%" in timeline
    assert "当时进度 20%" in timeline  # the first entry has nothing before it


def test_the_home_pages_latest_updates_still_say_the_progress_then(client):
    project = f.project(title="口袋公园")
    project_post_update(project=project, text="开工。", progress=Decimal("20"))
    body = client.get("/").content.decode()
    assert "当时进度 20%" in body and "→" not in body
