"""`/projects/`: filters in the query string with the API's names, sorting and pagination."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from apps.projects.models import ProjectStatus
from apps.projects.services import project_set_progress
from tests import factories as f
from tests.public.site_data import project_with_health

pytestmark = pytest.mark.django_db


def titles(client, query: str) -> str:
    response = client.get(f"/projects/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_it_filters_by_programme_code(client):
    f.project(title="电梯甲", programme_code="bianmin")
    f.project(title="公园乙", programme_code="lvse")
    body = titles(client, "?programme=lvse")
    assert "公园乙" in body and "电梯甲" not in body


def test_it_filters_by_subdistrict_including_its_communities(client):
    taishan = f.subdistrict("泰山街道")
    kangju = f.community("康居社区", parent=taishan)
    kuishan = f.subdistrict("奎山街道")
    f.project(title="社区里的项目", areas=[kangju])
    f.project(title="街道层面的项目", areas=[taishan])
    f.project(title="别的街道的项目", areas=[kuishan])
    body = titles(client, f"?area={taishan.pk}")
    assert "社区里的项目" in body and "街道层面的项目" in body and "别的街道的项目" not in body
    body = titles(client, f"?area={kangju.pk}")
    assert "社区里的项目" in body and "街道层面的项目" not in body


def test_a_project_in_two_communities_of_one_subdistrict_is_listed_once(client):
    taishan = f.subdistrict("泰山街道")
    a, b = f.community(parent=taishan), f.community(parent=taishan)
    f.project(title="跨社区项目", areas=[a, b])
    body = titles(client, f"?area={taishan.pk}")
    assert body.count("跨社区项目</a>") == 1
    assert "共 1 个项目" in body


def test_it_filters_by_status_and_year(client):
    f.project(title="今年完成", status=ProjectStatus.COMPLETED)
    f.project(title="今年规划", status=ProjectStatus.PLANNED)
    old = f.project(title="往年项目", status=ProjectStatus.PLANNED)
    old.year = old.year - 1
    old.save(update_fields=["year"])
    body = titles(client, "?status=completed")
    assert "今年完成" in body and "今年规划" not in body
    body = titles(client, f"?year={old.year}")
    assert "往年项目" in body and "今年规划" not in body


@pytest.mark.parametrize("health", ["green", "yellow", "red"])
def test_it_filters_by_schedule_health_in_the_database(client, health):
    for colour in ("green", "yellow", "red"):
        project_with_health(colour, title=f"{colour}-项目")
    body = titles(client, f"?health={health}")
    for colour in ("green", "yellow", "red"):
        assert (f"{colour}-项目" in body) == (colour == health)


def test_a_completed_project_counts_as_green(client):
    f.project(title="已完工", status=ProjectStatus.COMPLETED)
    assert "已完工" in titles(client, "?health=green")
    assert "已完工" not in titles(client, "?health=red")


def test_it_searches_title_and_summary(client):
    f.project(title="泰山路加装电梯", summary="")
    f.project(title="口袋公园", summary="在空地上建设电梯厅旁的小游园")
    f.project(title="助餐点")
    body = titles(client, "?q=电梯")
    assert "泰山路加装电梯" in body and "口袋公园" in body and "助餐点" not in body


def test_filters_combine(client):
    f.project(title="便民甲", programme_code="bianmin", status=ProjectStatus.COMPLETED)
    f.project(title="便民乙", programme_code="bianmin", status=ProjectStatus.PLANNED)
    f.project(title="绿色丙", programme_code="lvse", status=ProjectStatus.COMPLETED)
    body = titles(client, "?programme=bianmin&status=completed")
    assert "便民甲" in body and "便民乙" not in body and "绿色丙" not in body


def test_it_sorts_by_progress(client):
    for title, progress in (("慢", "10"), ("快", "90"), ("中", "50")):
        project = f.project(title=title)
        project_set_progress(project=project, progress=Decimal(progress))
    body = titles(client, "?ordering=-progress")
    assert body.index(">快</a>") < body.index(">中</a>") < body.index(">慢</a>")
    body = titles(client, "?ordering=progress")
    assert body.index(">慢</a>") < body.index(">中</a>") < body.index(">快</a>")


def test_it_paginates_and_keeps_the_filters_in_page_links(client):
    for i in range(settings.PAGE_SIZE + 3):
        f.project(title=f"分页项目{i:02d}", programme_code="yiyang")
    first = titles(client, "?programme=yiyang&ordering=title")
    assert first.count("分页项目") == settings.PAGE_SIZE
    assert "?programme=yiyang&amp;ordering=title&amp;page=2" in first
    second = titles(client, "?programme=yiyang&ordering=title&page=2")
    assert second.count("分页项目") == 3
    assert "分页项目22" in second


def test_bad_filter_values_are_reported_and_ignored_not_a_server_error(client):
    f.project(title="仍然列出")
    response = client.get("/projects/?area=abc&year=zz&status=nope&health=blue&ordering=x&page=-4&programme=none")
    assert response.status_code == 200
    body = response.content.decode()
    assert "仍然列出" in body
    assert "有的筛选条件不正确" in body


def test_an_unknown_area_id_is_reported(client):
    f.project(title="仍然列出")
    body = titles(client, "?area=999999")
    assert "没有这个街道或社区" in body and "仍然列出" in body


def test_the_filter_form_shows_the_chosen_values(client):
    taishan = f.subdistrict("泰山街道")
    f.project(areas=[taishan])
    body = titles(client, f"?area={taishan.pk}&status=planned")
    assert f'<option value="{taishan.pk}" selected lang="zh-CN">' in body
    assert '<option value="planned" selected>' in body


def test_the_closed_panel_names_the_chosen_filters_in_words(client):
    taishan = f.subdistrict("泰山街道")
    f.project(title="泰山口袋公园", programme_code="lvse", areas=[taishan], status=ProjectStatus.PLANNED)
    body = titles(client, f"?programme=lvse&area={taishan.pk}&status=planned&year=2026&health=green&ordering=-progress")
    assert "（绿色怡心 · 泰山街道 · 规划中 · 2026 · 绿灯·按序时推进 · 进度从高到低）" in body
    assert "清除全部条件" in body
    assert "清除全部条件" not in titles(client, "?ordering=-progress")  # an order is not a filter


def test_each_list_offers_all_first(client):
    body = titles(client, "")
    for label in ("全部板块", "全部街道和社区", "全部状态", "全部年度", "全部"):
        assert f'<option value="">{label}</option>' in body


def test_a_programme_the_page_does_not_offer_is_reported_where_the_api_just_finds_nothing(client):
    f.project(title="仍然列出")
    body = titles(client, "?programme=nope")
    assert "有的筛选条件不正确" in body and "仍然列出" in body
    assert client.get("/api/v1/projects/?programme=nope").json()["count"] == 0
