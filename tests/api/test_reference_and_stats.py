from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.appeals.services import appeal_accept, appeal_assign, appeal_rate, appeal_resolve, appeal_sign
from apps.places.models import DepartmentKind
from apps.projects.models import ProjectStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_programmes_are_identified_by_code(api):
    factories.project(programme_code="yiyang")
    body = api.get("/api/v1/programmes/").json()
    assert [p["code"] for p in body] == ["fumin", "bianmin", "lvse", "yiyang", "anquan", "chunyu"]
    one = api.get("/api/v1/programmes/yiyang/").json()
    assert one["name"] == "颐养暖心" and one["project_count"] == 1
    assert api.get("/api/v1/programmes/unknown/").status_code == 404


def test_areas_form_a_tree_with_parent_and_level(api):
    kuishan = factories.subdistrict("奎山街道")
    kuiyuan = factories.community("奎园社区", parent=kuishan)
    factories.community(parent=factories.subdistrict("泰山街道"))
    rows = {row["name"]: row for row in api.get("/api/v1/areas/").json()["results"]}
    assert rows["奎园社区"]["parent"] == kuishan.pk and rows["奎园社区"]["level"] == 3
    assert rows["奎园社区"]["subdistrict"] == kuishan.pk
    assert rows["泉山区"]["parent"] is None and rows["泉山区"]["code"] == "320311000000"
    level2 = api.get("/api/v1/areas/", {"level": 2}).json()["results"]
    assert {row["name"] for row in level2} == {"奎山街道", "泰山街道"}
    under = api.get("/api/v1/areas/", {"subdistrict": kuishan.pk}).json()["results"]
    assert {row["id"] for row in under} == {kuishan.pk, kuiyuan.pk}
    assert [r["id"] for r in api.get("/api/v1/areas/", {"parent": kuishan.pk}).json()["results"]] == [kuiyuan.pk]
    assert api.get("/api/v1/areas/", {"level": 9}).status_code == 400


def test_departments_filter_by_kind_activity_and_name(api):
    bureau = factories.department("区住房和城乡建设局", kind=DepartmentKind.BUREAU)
    office = factories.department("奎山街道办事处", kind=DepartmentKind.SUBDISTRICT)
    factories.department("停用单位", is_active=False)
    assert {r["id"] for r in api.get("/api/v1/departments/", {"kind": "subdistrict"}).json()["results"]} == {office.pk}
    assert len(api.get("/api/v1/departments/", {"active": "true"}).json()["results"]) == 2
    assert [r["id"] for r in api.get("/api/v1/departments/", {"q": "住房"}).json()["results"]] == [bureau.pk]
    assert api.get(f"/api/v1/departments/{bureau.pk}/").json()["code"] == bureau.code


def test_stats_give_the_dashboard_figures_and_the_three_rates(api):
    today = timezone.localdate()
    dept = factories.department("区市政园林局")
    kuishan = factories.subdistrict("奎山街道")
    factories.project(programme_code="lvse", status=ProjectStatus.COMPLETED, year=today.year)
    factories.project(programme_code="lvse", year=today.year)
    factories.project(programme_code="lvse", year=today.year - 1)
    appeal = factories.appeal(area=factories.community(parent=kuishan))
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=dept)
    appeal_sign(appeal=appeal)
    appeal_resolve(appeal=appeal, reply="已处理")
    appeal_rate(appeal=appeal, rating="satisfied")
    factories.appeal(area=factories.community(parent=kuishan))
    body = api.get("/api/v1/stats/").json()
    assert body["year"] == today.year
    assert body["period"] == {"first_day": f"{today.year}-01-01", "last_day": today.isoformat()}
    lvse = next(p for p in body["programmes"] if p["programme"] == "lvse")
    assert (lvse["total"], lvse["completed"], lvse["planned"]) == (2, 1, 1)
    assert body["projects_total"] == 2
    assert body["requests"]["received"] == 2 and body["requests"]["resolved"] == 1
    row = body["rates_by_subdistrict"][0]
    assert row["name"] == "奎山街道" and row["received"] == 2 and row["satisfaction_rate"] == 100.0
    assert body["rates_by_department"][0]["name"] == "区市政园林局"
    assert "响应率" in body["rate_definitions"]["response"]
    last_year = api.get("/api/v1/stats/", {"year": today.year - 1}).json()
    assert next(p for p in last_year["programmes"] if p["programme"] == "lvse")["total"] == 1


def test_stats_for_a_period_without_requests_are_empty(api):
    factories.appeal()
    start = (timezone.localdate() - timedelta(days=900)).isoformat()
    end = (timezone.localdate() - timedelta(days=800)).isoformat()
    body = api.get("/api/v1/stats/", {"start": start, "end": end}).json()
    assert body["requests"]["received"] == 0 and body["rates_by_subdistrict"] == []


@pytest.mark.parametrize(
    "params,field",
    [
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2026-03-01", "end": "2026-01-01"}, "end"),
        ({"year": "1999"}, "year"),
        ({"year": "twenty"}, "year"),
    ],
)
def test_bad_stats_parameters_are_a_400(api, params, field):
    response = api.get("/api/v1/stats/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_stats_count_open_rejected_overdue_and_published_requests_exactly(api):
    from apps.appeals.models import Appeal
    from apps.appeals.services import appeal_set_publication

    now = timezone.now()
    past = now - timedelta(minutes=1)
    kuishan = factories.community(parent=factories.subdistrict("奎山街道"))

    def request(status: str, **fields):
        item = factories.appeal_in(status, area=kuishan, submitted_at=now - timedelta(minutes=30))
        if fields:
            Appeal.objects.filter(pk=item.pk).update(**fields)
        return item

    request("submitted")  # open, in time
    request("submitted", response_due=past)  # open, not responded to in time: overdue
    request("in_progress")  # open, in time
    request("in_progress", resolve_due=past)  # open, past its resolve deadline: overdue
    request("closed", resolve_due=past)  # done: never overdue, whatever its deadline
    request("closed")
    request("rejected", resolve_due=past)  # rejected: neither open nor overdue
    published = request("resolved")
    appeal_set_publication(appeal=published, approved=True)  # consented (factory default) and approved
    request("resolved", consent_to_publish=False)
    # Every request but the last consented to publication; only one was approved.
    assert Appeal.objects.filter(consent_to_publish=True).count() == 8

    figures = api.get("/api/v1/stats/").json()["requests"]
    assert {name: figures[name] for name in ("received", "open", "resolved", "rejected", "overdue", "published")} == {
        "received": 9,
        "open": 4,
        "resolved": 4,
        "rejected": 1,
        "overdue": 2,
        "published": 1,
    }
