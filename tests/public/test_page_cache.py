"""Cached public pages: served without queries, and a change shows within the promised minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.appeals.services import appeal_set_publication
from apps.projects.services import project_publish, project_save
from tests import factories as f
from tests.public.test_stats import rows

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("url", ["/", "/stats/", "/projects/?programme=lvse"])
def test_a_page_seen_a_second_time_costs_no_query(client, url):
    f.project(programme_code="lvse", title="云龙湖口袋公园")
    first, body = queries_for(client, url)
    assert first > 0
    again, body_again = queries_for(client, url)
    assert again == 0
    assert body_again == body


def test_an_edit_to_a_project_shows_on_its_page_at_once(client, committing):
    project = f.project(title="奎山街道老旧小区改造")
    url = f"/projects/{project.pk}/"
    assert "奎山街道老旧小区改造" in queries_for(client, url)[1]
    with committing():
        project.title = "奎山街道老旧小区改造（二期）"
        project_save(project=project)
    assert "奎山街道老旧小区改造（二期）" in queries_for(client, url)[1]


def test_a_newly_published_project_appears_in_the_list_at_once(client, committing):
    f.project(programme_code="lvse", title="云龙湖口袋公园")
    hidden = f.project(programme_code="lvse", title="故黄河沿岸绿道", is_public=False)
    assert "故黄河沿岸绿道" not in queries_for(client, "/projects/?programme=lvse")[1]
    with committing():
        project_publish(project=hidden)
    assert "故黄河沿岸绿道" in queries_for(client, "/projects/?programme=lvse")[1]


def test_a_new_request_is_counted_on_the_stats_page_within_sixty_seconds(client, settings, clock):
    settings.RATES_MIN_SAMPLE = 1
    taishan = f.subdistrict("泰山街道")
    f.appeal(area=taishan, submitted_at=timezone.now() - timedelta(hours=2))
    assert rows(queries_for(client, "/stats/")[1], "各街道三率")[0][2] == "1"
    f.appeal(area=taishan, submitted_at=timezone.now() - timedelta(hours=1))
    shown_after = None
    for second in range(0, 61, 5):
        if rows(queries_for(client, "/stats/")[1], "各街道三率")[0][2] == "2":
            shown_after = second
            break
        clock.advance(5)
    assert shown_after is not None, "the new request was not counted within 60 s"


def test_a_logged_in_official_is_never_served_a_shared_page(client):
    f.project(programme_code="lvse")
    queries_for(client, "/")
    client.force_login(f.official("district"))
    assert queries_for(client, "/")[0] > 0
    assert queries_for(client, "/")[0] > 0


def test_each_display_choice_gets_its_own_cached_page(client):
    f.project(programme_code="lvse")
    normal = queries_for(client, "/")[1]
    client.cookies["qs_text"] = "large"
    large = queries_for(client, "/")[1]
    assert "text-large" in large and "text-large" not in normal
    client.cookies["django_language"] = "en"
    english = queries_for(client, "/")[1]
    assert '<html lang="zh-CN"' in large and '<html lang="en"' in english


def test_a_request_withdrawn_from_publication_leaves_every_cached_page_at_once(client, committing):
    """Requests are listed on cached pages (area pages, Open311): a change to one shows on the next GET."""
    community = f.community("奎园社区", parent=f.subdistrict("奎山街道"))
    appeal = f.appeal(area=community, title="奎园社区路灯不亮", submitted_at=timezone.now() - timedelta(minutes=5))
    appeal_set_publication(appeal=appeal, approved=True)
    # What shows the request on each page: its title, or in Open311 its tracking number.
    shown_by = {
        f"/areas/{community.pk}/": appeal.title,
        f"/areas/{community.subdistrict_id}/": appeal.title,
        "/open311/v2/requests.json": appeal.tracking_no,
        "/requests/": appeal.title,
        "/api/v1/requests/": appeal.title,
    }
    for url, marker in shown_by.items():
        assert marker in queries_for(client, url)[1], url
    for url, marker in shown_by.items():  # now served from the cache
        assert marker in queries_for(client, url)[1], url

    with committing():
        appeal_set_publication(appeal=appeal, approved=False)

    for url, marker in shown_by.items():
        assert marker not in queries_for(client, url)[1], url


def cache_entries() -> int:
    from django.core.cache import cache

    return len(cache._cache)  # the local-memory cache of the tests


@pytest.mark.parametrize(
    ("url", "junk"),
    [
        ("/", "?x={}"),
        ("/projects/?programme=lvse", "&utm_source={}"),
        ("/stats/", "?fbclid={}"),
        ("/requests/", "?x={}"),
        ("/open311/v2/requests.json", "?x={}"),
        ("/api/v1/projects/", "?x={}"),
    ],
)
def test_query_parameters_a_page_does_not_read_share_its_cached_entry(client, url, junk):
    f.project(programme_code="lvse", title="云龙湖口袋公园")
    body = queries_for(client, url)[1]
    entries = cache_entries()
    for n in range(20):
        queries, junk_body = queries_for(client, url + junk.format(f"random{n}"))
        assert queries == 0, f"{url}{junk.format(n)} was rendered again"
        assert junk_body == body
    assert cache_entries() == entries  # the cache does not grow with junk


def test_the_parameters_a_page_reads_still_have_their_own_pages(client):
    f.project(programme_code="lvse", title="云龙湖口袋公园")
    f.project(programme_code="bianmin", title="泰山街道加装电梯")
    lvse = queries_for(client, "/projects/?programme=lvse&x=1")[1]
    bianmin = queries_for(client, "/projects/?programme=bianmin&x=1")[1]
    assert "云龙湖口袋公园" in lvse and "泰山街道加装电梯" not in lvse
    assert "泰山街道加装电梯" in bianmin and "云龙湖口袋公园" not in bianmin
    assert "x=1" not in lvse  # links built from the request carry no junk either
