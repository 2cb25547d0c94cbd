"""The public pages: what each one shows, and what it must not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.projects.models import ProjectStatus
from apps.projects.services import project_publish
from tests import factories as f
from tests.factories import days_ago
from tests.public.site_data import neighbourhood

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_the_dashboard_shows_a_card_per_programme_the_charts_and_the_latest_updates(client):
    neighbourhood()
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    for name in ("富民安心", "便民舒心", "绿色怡心", "颐养暖心", "安全放心", "春雨润心"):
        assert name in body
    assert 'action="/projects/"' in body and 'name="q"' in body
    assert "各板块项目状态" in body and "每月收到与办结的诉求" in body and "各街道三率" in body
    assert "已完成方案公示" in body
    assert 'type="application/atom+xml"' in body and "/feeds/updates/" in body
    assert "vendor/echarts/echarts.min.js" in body


def test_the_dashboard_prints_each_charts_numbers_as_a_table(client):
    neighbourhood()
    body = text(client.get("/"))
    assert body.count('class="chart"') == body.count("<table>") == 3
    assert "泰山街道" in body  # 三率 table row


def test_the_dashboard_works_on_an_empty_database(client):
    assert client.get("/").status_code == 200


def test_a_programme_page_lists_its_projects_and_figures(client):
    hood = neighbourhood()
    response = client.get("/programmes/bianmin/")
    assert response.status_code == 200
    body = text(response)
    assert hood.projects[0].title in body
    assert hood.projects[1].title not in body  # a 绿色怡心 project
    assert "/feeds/programmes/bianmin/" in body


def test_an_unknown_programme_is_not_found(client):
    assert client.get("/programmes/nothing/").status_code == 404


def test_a_project_page_shows_progress_health_money_dates_milestones_updates_and_areas(client):
    hood = neighbourhood()
    project = hood.projects[0]
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert project.title in body
    assert "按节点加权计算" in body  # progress source
    assert "进度 50%" in body  # one of two equal milestones done
    assert "序时进度" in body and "红黄绿灯是什么意思" in body
    assert "计划投资" in body and "100 万元" in body
    assert "方案公示" in body and "电梯安装" in body
    assert "已完成方案公示" in body
    assert "康居社区" in body and reverse("public:area_detail", args=[hood.community.pk]) in body
    assert project.lead_department.name in body
    assert "李明" in body and "区住建局副局长" in body
    assert "施工中的电梯井" in body  # photo caption as alt text
    assert f"/feeds/projects/{project.pk}/" in body
    assert 'data-map="map-points"' in body and "34.254" in body


def test_a_project_page_shows_only_published_linked_requests_with_masked_names(client):
    hood = neighbourhood()
    body = text(client.get(f"/projects/{hood.projects[0].pk}/"))
    assert "希望加快电梯施工（0）" in body
    assert "欧***" in body
    assert "欧阳娜娜" not in body
    assert "未公开的诉求" not in body


def test_an_unpublished_project_is_not_found(client):
    project = f.project(is_public=False)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert client.get(f"/feeds/projects/{project.pk}/").status_code == 404
    project_publish(project=project)
    assert client.get(f"/projects/{project.pk}/").status_code == 200


def test_unpublished_projects_stay_out_of_lists(client):
    f.project(title="内部测试项目", is_public=False)
    for url in ("/", "/projects/", "/programmes/bianmin/", "/projects/?q=内部"):
        assert "内部测试项目" not in text(client.get(url))


def test_an_area_page_shows_its_projects_requests_and_rates(client):
    hood = neighbourhood()
    response = client.get(f"/areas/{hood.subdistrict.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert hood.projects[0].title in body
    assert hood.projects[1].title not in body  # in 奎山街道
    assert "希望加快电梯施工（0）" in body and "欧***" in body
    assert "未公开的诉求" not in body
    assert "响应率" in body and "收到诉求" in body and "2 件" in body
    assert "康居社区" in body  # its 社区
    assert f"/feeds/areas/{hood.subdistrict.pk}/" in body


def test_a_community_page_shows_what_is_done_there(client):
    hood = neighbourhood()
    body = text(client.get(f"/areas/{hood.community.pk}/"))
    assert hood.projects[0].title in body
    assert "希望加快电梯施工（0）" in body
    assert "泰山街道" in body  # breadcrumb


def test_the_district_and_unknown_areas_are_not_found(client):
    f.subdistrict("泰山街道")
    assert client.get(f"/areas/{f.district().pk}/").status_code == 404
    assert client.get("/areas/999999/").status_code == 404


def test_every_page_has_the_language_and_display_switch_and_main_navigation(client):
    hood = neighbourhood()
    for url in ("/", "/projects/", f"/projects/{hood.projects[0].pk}/", f"/areas/{hood.subdistrict.pk}/"):
        body = text(client.get(url))
        assert 'action="/display/"' in body
        assert 'name="lang"' in body and 'name="text"' in body and 'name="contrast"' in body
        for link in ('href="/requests/new/"', 'href="/requests/track/"', 'href="/stats/"'):
            assert link in body


def test_a_district_wide_project_names_the_district_without_a_dead_link(client):
    district = f.district()
    project = f.project(areas=[district])
    body = text(client.get(f"/projects/{project.pk}/"))
    assert district.name in body
    assert f'href="/areas/{district.pk}/"' not in body


def test_a_project_page_says_how_late_or_early_it_finished(client):
    late = f.project(
        planned_start=days_ago(100),
        planned_finish=days_ago(20),
        status=ProjectStatus.COMPLETED,
        actual_finish=days_ago(5),
    )
    early = f.project(
        planned_start=days_ago(100),
        planned_finish=days_ago(5),
        status=ProjectStatus.COMPLETED,
        actual_finish=days_ago(8),
    )
    overdue = f.project(planned_start=days_ago(100), planned_finish=days_ago(3), status=ProjectStatus.IN_PROGRESS)
    assert "比计划晚 15 天完工" in text(client.get(f"/projects/{late.pk}/"))
    assert "比计划提前 3 天完工" in text(client.get(f"/projects/{early.pk}/"))
    assert "已超过计划完工日期 3 天" in text(client.get(f"/projects/{overdue.pk}/"))
