"""Cached public API reads: shared JSON, a change visible within the promised minute, keys never shared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.api.pagination import Pagination
from apps.projects.services import project_publish, project_save
from tests import factories as f

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/?page_size=50"


def get(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return len(ctx.captured_queries), response.json()


def titles(body: dict) -> list[str]:
    return [p["title"] for p in body["results"]]


def test_the_project_list_is_served_from_the_cache_the_second_time(api):
    f.project(title="云龙湖口袋公园")
    first, body = get(api, PROJECTS)
    assert first > 0
    again, body_again = get(api, PROJECTS)
    assert again == 0
    assert body_again == body


def test_a_published_or_edited_project_shows_in_the_list_at_once(api, committing):
    project = f.project(title="云龙湖口袋公园")
    hidden = f.project(title="故黄河沿岸绿道", is_public=False)
    assert titles(get(api, PROJECTS)[1]) == ["云龙湖口袋公园"]
    with committing():
        project_publish(project=hidden)
        project.title = "云龙湖口袋公园（二期）"
        project_save(project=project)
    assert sorted(titles(get(api, PROJECTS)[1])) == ["云龙湖口袋公园（二期）", "故黄河沿岸绿道"]


def test_each_query_string_has_its_own_cached_answer(api):
    f.project(title="云龙湖口袋公园", programme_code="lvse")
    f.project(title="加装电梯", programme_code="bianmin")
    assert titles(get(api, "/api/v1/projects/?programme=lvse")[1]) == ["云龙湖口袋公园"]
    assert titles(get(api, "/api/v1/projects/?programme=bianmin")[1]) == ["加装电梯"]


def test_a_caller_with_an_api_key_is_never_served_a_shared_answer(api, private_client):
    f.project(title="云龙湖口袋公园")
    get(api, PROJECTS)
    assert get(private_client, PROJECTS)[0] > 0


def test_a_bad_query_is_still_a_400_and_not_cached(api, monkeypatch):
    # A cached 400 would still be a 400: count how often the view really checks the page size.
    checked = []
    check = Pagination.get_page_size
    monkeypatch.setattr(Pagination, "get_page_size", lambda self, request: checked.append(1) or check(self, request))
    assert api.get("/api/v1/projects/?page_size=abc").status_code == 400
    assert api.get("/api/v1/projects/?page_size=abc").status_code == 400
    assert len(checked) == 2


def test_a_new_request_shows_in_the_stats_within_sixty_seconds(api, clock):
    area = f.subdistrict("泰山街道")
    f.appeal(area=area, submitted_at=timezone.now() - timedelta(hours=2))
    assert get(api, "/api/v1/stats/")[1]["requests"]["received"] == 1
    assert get(api, "/api/v1/stats/")[0] == 0
    f.appeal(area=area, submitted_at=timezone.now() - timedelta(hours=1))
    shown_after = None
    for second in range(0, 61, 5):
        if get(api, "/api/v1/stats/")[1]["requests"]["received"] == 2:
            shown_after = second
            break
        clock.advance(5)
    assert shown_after is not None, "the new request was not counted within 60 s"


@pytest.fixture
def dispatches(monkeypatch):
    """Counts the requests that went through the REST framework."""
    from apps.api.views import StatsView

    calls = []
    real = StatsView.dispatch

    def counting(self, request, *args, **kwargs):
        calls.append(request.path)
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(StatsView, "dispatch", counting)
    return calls


def test_a_shared_answer_skips_the_framework_with_the_same_body_and_headers(api, dispatches):
    f.appeal(area=f.subdistrict("泰山街道"))
    first = api.get("/api/v1/stats/")
    second = api.get("/api/v1/stats/")
    assert len(dispatches) == 1
    assert second.content == first.content
    for header in ("Content-Type", "Allow"):
        assert second[header] == first[header]


def test_the_shared_answer_still_counts_against_the_per_ip_limit(api, settings, dispatches):
    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "3/min"}
    statuses = [api.get("/api/v1/stats/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api.get("/api/v1/stats/", REMOTE_ADDR="10.9.8.7").status_code == 200
    assert len(dispatches) == 2  # the first answer and the refusal: the error comes in the API's shape


def test_a_caller_with_a_key_or_another_media_type_goes_through_the_framework(api, private_client, dispatches):
    api.get("/api/v1/stats/")
    private_client.get("/api/v1/stats/")
    assert api.get("/api/v1/stats/", HTTP_ACCEPT="text/html").status_code == 406
    assert len(dispatches) == 3
