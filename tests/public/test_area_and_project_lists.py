"""An area page and a project page list what belongs to them, and nothing that points at a person."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from apps.appeals.services import appeal_link_projects, appeal_set_publication
from apps.places.models import AreaLevel
from apps.places.services import area_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def publish(title: str, area, projects=()):
    official = f.official()
    appeal = f.appeal(title=title, area=area)
    appeal_set_publication(appeal=appeal, approved=True, by=official)
    if projects:
        appeal_link_projects(appeal=appeal, projects=projects, by=official)
    return appeal


def test_an_area_page_lists_only_its_own_requests_and_counts_only_them(client):
    taishan, kuishan = f.subdistrict("泰山街道"), f.subdistrict("奎山街道")
    kangju = f.community("康居社区", parent=taishan)
    compound = area_create(name="康居小区", level=AreaLevel.COMPOUND, parent=kangju)
    publish("康居楼道漏水", kangju)
    publish("小区门禁坏了", compound)
    publish("奎山路灯不亮", f.community(parent=kuishan))
    body = client.get(f"/areas/{kangju.pk}/").content.decode()
    assert "康居楼道漏水" in body and "小区门禁坏了" in body
    assert "奎山路灯不亮" not in body
    assert "2 件" in body  # 收到诉求: this 社区 with its 小区, not the district
    body = client.get(f"/areas/{taishan.pk}/").content.decode()
    assert "康居楼道漏水" in body and "奎山路灯不亮" not in body


def test_a_small_area_shows_how_many_requests_but_no_rates(client, settings):
    settings.RATES_MIN_SAMPLE = 3
    hood = f.community("康居社区", parent=f.subdistrict("泰山街道"))
    f.appeal_in("closed", area=hood)  # one resident, rated: a rate would be theirs alone
    body = client.get(f"/areas/{hood.pk}/").content.decode()
    assert "1 件" in body and "不显示三率" in body
    assert "%</dd>" not in body
    for _ in range(2):
        f.appeal_in("closed", area=hood)
    cache.clear()
    body = client.get(f"/areas/{hood.pk}/").content.decode()
    assert "3 件" in body and "%</dd>" in body and "不显示三率" not in body


def test_a_project_page_lists_only_the_requests_linked_to_it(client):
    project = f.project(title="康居小区加装电梯")
    other = f.project(title="奎山口袋公园")
    hood = f.community(parent=f.subdistrict("泰山街道"))
    publish("电梯什么时候装", hood, projects=[project])
    publish("公园缺座椅", hood, projects=[other])
    publish("没有关联项目的诉求", hood)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "电梯什么时候装" in body
    assert "公园缺座椅" not in body and "没有关联项目的诉求" not in body


def test_a_published_projects_page_hides_its_unpublished_sub_projects(client):
    parent = f.project(title="老旧小区改造")
    f.project(title="已公开的一期", parent=parent)
    f.project(title="草稿中的二期", parent=parent, is_public=False)
    body = client.get(f"/projects/{parent.pk}/").content.decode()
    assert "已公开的一期" in body and "草稿中的二期" not in body


def test_a_community_page_shows_projects_of_its_compounds(client):
    kangju = f.community("康居社区", parent=f.subdistrict("泰山街道"))
    compound = area_create(name="康居小区", level=AreaLevel.COMPOUND, parent=kangju)
    f.project(title="康居小区雨污分流", areas=[compound])
    assert "康居小区雨污分流" in client.get(f"/areas/{kangju.pk}/").content.decode()
