"""Every page of the public lists and the API costs what page 1 costs: pages reach the first
LIST_MAX_ROWS rows, counts stop there (apps.common.paging), and the last page works."""

from __future__ import annotations

import pytest
from django.db import connection

import apps.api.pagination  # noqa: F401  (imported before PAGE_SIZE is changed: it reads it once)
from apps.appeals.services import appeal_set_publication
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_lists(settings):
    settings.PAGE_SIZE = 2
    settings.LIST_MAX_ROWS = 5
    settings.API_THROTTLE_RATES = {key: "10000/min" for key in settings.API_THROTTLE_RATES}


def publish(n: int) -> None:
    area = f.community()
    official = f.official()
    for i in range(n):
        appeal = f.appeal(title=f"第{i}件诉求", area=area, consent_to_publish=True)
        appeal_set_publication(appeal=appeal, approved=True, by=official)


def test_a_short_list_counts_exactly_and_its_last_page_works(client):
    publish(3)
    page = client.get("/requests/", {"page": 2})
    html = page.content.decode()
    assert "共 3 条" in html
    assert "第 2 / 2 页" in html
    assert "第0件诉求" in html


def test_a_long_list_says_so_and_pages_only_through_its_newest_rows(client):
    publish(8)
    last = client.get("/requests/", {"page": 3}).content.decode()
    assert "超过 5 条，这里列出最新的 5 条" in last
    assert "第 3 / 3 页" in last
    assert "第3件诉求" in last  # the 5th newest of 8
    beyond = client.get("/requests/", {"page": 40}).content.decode()
    assert "第 3 / 3 页" in beyond  # clamped to the last reachable page


def test_the_last_page_needs_no_more_queries_than_the_first(client, django_assert_max_num_queries):
    publish(8)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/requests/", {"page": 1, "programme": "bianmin"})
    with django_assert_max_num_queries(len(first)):
        client.get("/requests/", {"page": 3, "programme": "bianmin"})


def test_the_api_keeps_its_page_shape_and_marks_a_count_it_stopped(client):
    publish(8)
    body = client.get("/api/v1/requests/", {"page_size": 2, "page": 3}).json()
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert body["count_exact"] is False
    assert body["count"] >= 5
    assert body["next"] is None
    assert [r["title"] for r in body["results"]] == ["第3件诉求"]
    assert client.get("/api/v1/requests/", {"page_size": 2, "page": 4}).status_code == 404


def test_the_api_counts_a_short_list_exactly(client):
    publish(3)
    body = client.get("/api/v1/requests/", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["count_exact"]) == (3, True)
    assert len(body["results"]) == 1


def test_the_public_search_box_finds_the_public_version_only(client):
    appeal = f.appeal(title="楼道灯坏了", content="电话13912345678，请修。", consent_to_publish=True)
    appeal_set_publication(appeal=appeal, approved=True, by=f.official())
    assert "楼道灯坏了" in client.get("/requests/", {"q": "楼道灯"}).content.decode()
    html = client.get("/requests/", {"q": "13912345678"}).content.decode()
    assert "共 0 条" in html
    assert "没有符合条件的公开诉求" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_a_count_that_takes_too_long_says_more_than_the_cap(monkeypatch):
    from apps.appeals.models import Appeal
    from apps.common import paging

    publish(3)
    monkeypatch.setattr(paging, "COUNT_TIMEOUT_MS", 10)
    slow = Appeal.objects.published().extra(where=["pg_sleep(0.05) IS NOT NULL"])
    paginator = paging.list_paginator(slow, public=False)
    assert (paginator.count, paginator.capped) == (5, True)
    # The time limit ended with the count: the next query may take its time.
    assert Appeal.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"]).count() == 3
    fast = paging.list_paginator(Appeal.objects.published(), public=False)
    assert (fast.count, fast.capped) == (3, False)


def test_counts_read_only_the_newest_window_and_scale_beyond_it(client, settings, django_assert_max_num_queries):
    """With more published requests than LIST_COUNT_WINDOW, a filter's count reads the window
    only (the matches among the newest rows) and says "about": here 2 of the newest 4 of 8 are
    praise, so about 4 (on PostgreSQL scaled by the planner's guess of the list's size, which
    for a table just written may be anything); the first page comes from the window, its rows
    the newest praise."""
    exact_size = connection.vendor != "postgresql"
    settings.LIST_MAX_ROWS = 100
    settings.LIST_COUNT_WINDOW = 4
    area = f.community()
    official = f.official()
    for i in range(8):
        appeal = f.appeal(title=f"第{i}件诉求", area=area, consent_to_publish=True, kind="praise" if i % 2 else "help")
        appeal_set_publication(appeal=appeal, approved=True, by=official)
    if not exact_size:
        # Without statistics the planner may guess a just-written table at hundreds of rows,
        # and the scaled count would pass the cap ("超过 100 条"): give it this table's size.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE appeals_appeal")
    html = client.get("/requests/", {"type": "praise"}).content.decode()
    assert ("约 4 条" if exact_size else "约 ") in html
    assert html.index("第7件诉求") < html.index("第5件诉求")
    body = client.get("/api/v1/requests/", {"type": "praise", "page_size": 2}).json()
    assert body["count_exact"] is False and body["count"] >= 2 and (body["count"] == 4 or not exact_size)
    assert [r["title"] for r in body["results"]] == ["第7件诉求", "第5件诉求"]
    # A page beyond the window's matches reads the whole list: the older praise is still found.
    body = client.get("/api/v1/requests/", {"type": "praise", "page_size": 2, "page": 2}).json()
    assert [r["title"] for r in body["results"]] == ["第3件诉求", "第1件诉求"]
    settings.LIST_COUNT_WINDOW = 20  # the whole list fits: counted exactly
    body = client.get("/api/v1/requests/", {"type": "praise", "page_size": 3}).json()
    assert (body["count"], body["count_exact"]) == (4, True)


def test_a_search_lists_its_newest_matches_only(client, settings):
    """A word found more often than SEARCH_MAX_ROWS lists (and counts) its newest matches: a
    frequent word costs what a rare one costs; the API marks the count as stopped."""
    settings.SEARCH_MAX_ROWS = 2
    publish(3)
    html = client.get("/requests/", {"q": "件诉求"}).content.decode()
    assert "超过 2 条，这里列出最新的 2 条" in html
    assert "第2件诉求" in html and "第1件诉求" in html and "第0件诉求" not in html
    body = client.get("/api/v1/requests/", {"q": "件诉求", "page_size": 1, "page": 2}).json()
    assert (body["count_exact"], body["next"]) == (False, None)
    assert [r["title"] for r in body["results"]] == ["第1件诉求"]
    body = client.get("/api/v1/requests/", {"q": "第0件", "page_size": 5}).json()
    assert (body["count"], body["count_exact"]) == (1, True)
