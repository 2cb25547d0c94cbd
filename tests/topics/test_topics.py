"""每月一题: chosen in the admin from the month's ranked request groups, published with the
matching requests' monthly counts before and after (chart and table), in the API and a feed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import ScopeKind
from apps.topics.models import MonthlyTopic
from apps.topics.selectors import add_months, topic_counts
from tests import factories as f
from tests.proposals.helpers import district_official, staff
from tests.topics.helpers import (
    city_management,
    key_of,
    lights,
    lights_history,
    make_topic,
    requests_in,
    topic_month,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hood():
    taishan = f.subdistrict("泰山街道")
    community = f.community("泰山社区", parent=taishan)
    plan = lights_history(community)
    other = f.community("康居社区", parent=taishan)
    requests_in(other, topic_month(), 3)  # another 社区: its own group, not counted
    requests_in(community, topic_month(), 2, status="rejected")  # refused: not counted
    return {"taishan": taishan, "community": community, "other": other, "plan": plan}


def test_counts_before_and_after_are_those_worked_out_by_hand(hood):
    topic = make_topic(district_official(), hood["community"])
    counts = topic_counts([topic])[topic.pk]
    month = topic_month()
    assert counts.months[0] == add_months(month, -6) and counts.months[-1] == add_months(month, 3)
    by_month = dict(zip(counts.months, counts.counts, strict=True))
    assert by_month == {m: hood["plan"].get(m, 0) for m in counts.months}
    assert counts.topic_count == 6 and topic.month_count == 6
    assert counts.before == 2.0 and counts.after == 1.5
    assert counts.partial_last


def test_an_official_chooses_the_topic_from_the_months_ranked_groups_in_the_admin(client, hood):
    client.force_login(district_official())
    url = reverse("admin:topics_monthlytopic_choose")
    month = f"{topic_month():%Y-%m}"
    page = client.get(url, {"month": month}).content.decode()
    # Ranked: 泰山社区 (6) before 康居社区 (3).
    assert page.index("泰山社区 · 路灯不亮") < page.index("康居社区 · 路灯不亮")
    assert client.get(reverse("admin:topics_monthlytopic_add")).url == url
    group = key_of(hood["community"]).as_param()
    assert "选为本月一题" in client.get(url, {"month": month, "group": group}).content.decode()
    lead = city_management()
    response = client.post(
        url,
        {
            "month": month,
            "group": group,
            "title": "背街小巷路灯不亮",
            "problem": "居民反映路灯不亮。",
            "sub_problems": "灯坏无人修\n巷道无灯",
            "lead_department": lead.pk,
        },
    )
    topic = MonthlyTopic.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:topics_monthlytopic_change", args=[topic.pk])
    assert topic.month == topic_month() and topic.month_count == 6 and topic.group_label == "泰山社区 · 路灯不亮"
    assert topic.group_area == hood["community"] and topic.group_category == lights() and not topic.is_public
    # A second topic for the same month is refused.
    again = client.get(url, {"month": month}).content.decode()
    assert "该月已选定题目" in again


def test_the_official_completes_and_publishes_the_topic_in_its_change_form(client, hood):
    official = district_official()
    topic = make_topic(official, hood["community"], public=False)
    project = f.project(title="背街小巷路灯补缺工程")
    co = f.department("泰山街道办事处")
    client.force_login(official)
    response = client.post(
        reverse("admin:topics_monthlytopic_change", args=[topic.pk]),
        {
            "title": topic.title,
            "problem": topic.problem,
            "sub_problems": topic.sub_problems,
            "lead_department": topic.lead_department_id,
            "co_departments": [co.pk],
            "measures": "排查修复。",
            "outcome": "修复86盏。",
            "projects": [project.pk],
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic.refresh_from_db()
    assert topic.is_public and list(topic.projects.all()) == [project] and list(topic.co_departments.all()) == [co]


def test_only_district_officials_choose_topics(client, hood):
    kuishan = staff(f.official("k", scope=ScopeKind.SUBDISTRICT, subdistrict=hood["taishan"]))
    client.force_login(kuishan)
    assert client.get(reverse("admin:topics_monthlytopic_choose")).status_code == 403
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service
        make_topic(kuishan, hood["community"])


def test_a_group_not_in_the_months_ranking_or_two_to_three_sub_problems_are_refused(hood):
    official = district_official()
    with pytest.raises(ValidationError):
        make_topic(official, hood["community"], month=add_months(topic_month(), -5))  # no requests then
    with pytest.raises(ValidationError):
        make_topic(official, hood["community"], sub_problems="只有一个")


def test_the_public_pages_show_published_topics_with_a_table_of_counts(client, hood):
    official = district_official()
    project = f.project(title="背街小巷路灯补缺工程")
    hidden_project = f.project(title="未公开的项目", is_public=False)
    topic = make_topic(official, hood["community"])
    topic.projects.set([project, hidden_project])
    listing = client.get("/monthly-topics/").content.decode()
    assert "背街小巷路灯不亮" in listing and reverse("public:topic_detail", args=[topic.pk]) in listing
    assert "选题当月 6 件" in listing and "此前三个月月均 2 件" in listing and "此后月均 1.5 件" in listing
    page = client.get(f"/monthly-topics/{topic.pk}/").content.decode()
    for text in ("区城管局", "路灯损坏无人报修", "逐巷排查", "修复路灯86盏", "背街小巷路灯补缺工程"):
        assert text in page
    assert "未公开的项目" not in page
    # The table works without JavaScript: the topic's month with its 6 requests.
    assert f"{topic_month():%Y-%m}（选题月）</th>" in page and '<td class="num">6</td>' in page
    assert "echarts.min.js" in page


def test_unpublished_topics_are_not_shown(client, hood):
    topic = make_topic(district_official(), hood["community"], public=False)
    assert client.get(f"/monthly-topics/{topic.pk}/").status_code == 404
    assert "背街小巷路灯不亮" not in client.get("/monthly-topics/").content.decode()
    assert APIClient().get(f"/api/v1/monthly-topics/{topic.pk}/").status_code == 404
    assert "背街小巷路灯不亮" not in client.get("/feeds/monthly-topics/").content.decode()


def test_the_api_lists_topics_with_their_monthly_counts(hood):
    topic = make_topic(district_official(), hood["community"])
    body = APIClient().get("/api/v1/monthly-topics/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["month"] == f"{topic_month():%Y-%m}" and item["lead_department"] == "区城管局"
    assert item["sub_problems"] == ["路灯损坏无人报修", "部分巷道未装路灯", "维修责任不清"]
    assert {"month": f"{topic_month():%Y-%m}", "count": 6} in item["monthly_counts"]
    assert APIClient().get(f"/api/v1/monthly-topics/{topic.pk}/").json()["month_count"] == 6


def test_the_api_schema_documents_monthly_topics():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/monthly-topics/" in schema["paths"] and "/api/v1/monthly-topics/{id}/" in schema["paths"]


def test_the_feed_lists_published_topics(client, hood):
    make_topic(district_official(), hood["community"])
    feed = client.get("/feeds/monthly-topics/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert f"{topic_month():%Y-%m} 每月一题：背街小巷路灯不亮" in feed.content.decode()


def test_the_proposals_page_and_the_footer_link_to_the_topics(client):
    assert 'href="/monthly-topics/"' in client.get("/proposals/").content.decode()
    assert 'href="/monthly-topics/"' in client.get("/").content.decode()


def test_a_project_page_links_back_to_the_published_topic_it_came_from(client, hood):
    project = f.project(title="背街小巷路灯补缺工程")
    topic = make_topic(district_official(), hood["community"])
    topic.projects.set([project])
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert reverse("public:topic_detail", args=[topic.pk]) in page and f"来自 {topic_month():%Y-%m} 每月一题" in page
