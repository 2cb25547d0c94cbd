"""Per-街道 and per-department comparison of projects: counts by status and health, average
progress and money, one aggregate query per table, on /stats/ and in the admin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.projects.models import Project, ProjectStatus
from apps.projects.selectors import project_comparison
from tests import factories as f
from tests.admin.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    today = timezone.localdate()
    taishan, kuishan = f.subdistrict("泰山街道"), f.subdistrict("奎山街道")
    t1, t2 = f.community("泰山社区", parent=taishan), f.community("康居社区", parent=taishan)
    k1 = f.community("奎园社区", parent=kuishan)
    works, water = f.department("区住建局", short_name="住建局"), f.department("区水务局")
    # Taishan: A (two of its 社区: counts once), B completed, C red (0 % with 90 % of its period gone).
    a = f.project(
        title="A",
        areas=[t1, t2],
        lead_department=works,
        status=ProjectStatus.IN_PROGRESS,
        progress=Decimal("40"),
        planned_investment=Decimal("1000.50"),
        invested=Decimal("400"),
    )
    f.project(
        title="B",
        areas=[t1],
        lead_department=works,
        status=ProjectStatus.COMPLETED,
        progress=Decimal("100"),
        planned_investment=Decimal("200"),
        invested=Decimal("200"),
    )
    f.project(
        title="C",
        areas=[t2, k1],
        lead_department=water,
        status=ProjectStatus.IN_PROGRESS,
        progress=Decimal("0"),
        planned_start=today - timedelta(days=90),
        planned_finish=today + timedelta(days=10),
        planned_investment=Decimal("50"),
        invested=Decimal("0"),
    )
    # District-wide work touches no 街道; an unpublished project is left out of the public page.
    f.project(title="D", areas=[f.district()], lead_department=water, planned_investment=Decimal("10"))
    f.project(title="E", areas=[k1], lead_department=water, is_public=False, planned_investment=Decimal("999"))
    return {"a": a, "works": works, "water": water, "taishan": taishan, "kuishan": kuishan}


def test_each_subdistrict_counts_its_projects_once_with_their_money_and_health(data):
    rows = {g.name: g for g in project_comparison(Project.objects.filter(is_public=True), group_by="subdistrict")}
    taishan = rows["泰山街道"]
    # A, B, C; average (40 + 100 + 0) / 3 = 46.7; money 1000.50 + 200 + 50; C is red.
    assert (taishan.total, taishan.completed, taishan.in_progress, taishan.red, taishan.yellow) == (3, 1, 2, 1, 0)
    assert taishan.average_progress == Decimal("46.7")
    assert (taishan.planned_investment, taishan.invested) == (Decimal("1250.50"), Decimal("600.00"))
    assert taishan.investment_ratio == Decimal("48.0")  # 600 / 1250.5
    kuishan = rows["奎山街道"]
    assert (kuishan.total, kuishan.red, kuishan.planned_investment) == (1, 1, Decimal("50.00"))
    district_wide = list(rows.values())[-1]  # district-wide work last, 街道 by average progress
    assert (district_wide.key, district_wide.total) == (None, 1)


def test_each_lead_department_counts_each_project_once(data):
    rows = {g.name: g for g in project_comparison(Project.objects.filter(is_public=True), group_by="department")}
    assert (rows["住建局"].total, rows["住建局"].average_progress) == (2, Decimal("70.0"))
    assert (rows["区水务局"].total, rows["区水务局"].planned_investment) == (2, Decimal("60.00"))


def test_a_table_is_one_query_whatever_the_number_of_projects(data, django_assert_num_queries):
    for _ in range(10):
        f.project(areas=[f.community(parent=data["taishan"])], lead_department=data["works"])
    with django_assert_num_queries(1):
        project_comparison(Project.objects.all(), group_by="subdistrict")
    with django_assert_num_queries(1):
        project_comparison(Project.objects.all(), group_by="department")


def test_the_stats_page_compares_the_years_published_projects(client, data):
    html = client.get("/stats/").content.decode()
    assert "各街道项目推进情况" in html and "各牵头单位项目推进情况" in html
    assert "1,250.50" in html  # 万元 with thousands separators
    assert "46.7%" in html
    assert "999" not in html.split("各街道项目推进情况")[1]  # the unpublished project is not counted


def test_the_admin_comparison_is_scoped_to_the_officials_subdistrict(client, data):
    official = staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=data["kuishan"]))
    client.force_login(official)
    index = client.get("/admin/")
    assert "/admin/projects/project/comparison/" in index.content.decode()
    response = client.get("/admin/projects/project/comparison/")
    assert response.status_code == 200
    names = [g.name for g in response.context["by_subdistrict"]]
    # C and E touch 奎山; C also touches 泰山, so 泰山 appears with that one project only.
    assert sorted(names) == ["奎山街道", "泰山街道"]
    totals = {g.name: g.total for g in response.context["by_subdistrict"]}
    assert totals == {"奎山街道": 2, "泰山街道": 1}
    assert client.get("/admin/projects/project/comparison/?year=abc").status_code == 200


def test_an_official_without_project_rights_cannot_open_the_comparison(client, data):
    client.force_login(f.official(scope=ScopeKind.DISTRICT))
    assert client.get("/admin/projects/project/comparison/").status_code == 403
