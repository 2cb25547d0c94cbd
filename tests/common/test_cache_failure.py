"""A failing Redis never breaks a resident's flow (issue 10, item 5).

Each test starts its own socket: a port that refuses connections, or one that accepts them and
never answers. Through either, a resident submits and tracks a request, the API lists projects,
Open311 takes a POST, and the rate limits still hold (per process).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.models import Appeal
from apps.common import cache_backend
from apps.places.models import AreaLevel
from apps.places.services import area_create
from tests import factories as f
from tests.public.helpers import areas, form_data

pytestmark = pytest.mark.django_db

TIMEOUT = 0.25


@pytest.fixture
def refused_port() -> int:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there any more: connections are refused
    return port


@pytest.fixture
def hanging_port() -> Iterator[int]:
    # Listening, never accepting: the kernel completes the handshake, nobody ever answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    yield listener.getsockname()[1]
    listener.close()


def failing_cache(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "apps.common.cache_backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": TIMEOUT, "SOCKET_TIMEOUT": TIMEOUT, "BREAKER_COOLDOWN": 60},
        }
    }


@pytest.fixture(params=["refused", "hanging"])
def broken_cache(request) -> Iterator[str]:
    port = request.getfixturevalue(f"{request.param}_port")
    cache_backend.reset_breakers()
    cache_backend.counters.local.clear()
    with override_settings(CACHES=failing_cache(port)):
        yield request.param
    cache_backend.reset_breakers()
    cache_backend.counters.local.clear()


class CacheTime:
    """Seconds each step spent in calls to the cache (waiting on Redis, or failing fast)."""

    def __init__(self, monkeypatch) -> None:
        self.steps: list[tuple[str, float]] = []
        self._spent = 0.0
        real = cache_backend.Breaker.call

        def timed(breaker, func):
            started = time.monotonic()
            try:
                return real(breaker, func)
            finally:
                self._spent += time.monotonic() - started

        monkeypatch.setattr(cache_backend.Breaker, "call", timed)

    def time(self, label: str, func):
        self._spent = 0.0
        result = func()
        self.steps.append((label, self._spent))
        return result

    def after_the_first(self) -> float:
        return max(seconds for _label, seconds in self.steps[1:])


@pytest.fixture
def watch(monkeypatch) -> CacheTime:
    return CacheTime(monkeypatch)


def test_a_resident_submits_and_tracks_a_request(client, broken_cache, watch):
    taishan, taishan_c, *_ = areas()
    response = watch.time("submit", lambda: client.post("/requests/new/", form_data(taishan, taishan_c)))
    assert response.status_code == 302, response.content.decode()[:500]
    done = watch.time("done page", lambda: client.get(response["Location"]))
    appeal = Appeal.objects.get()
    assert done.status_code == 200 and appeal.tracking_no in done.content.decode()

    tracked = watch.time(
        "track",
        lambda: client.post("/requests/track/", {"tracking_no": appeal.tracking_no, "phone_last4": "5678"}),
    )
    assert tracked.status_code == 200
    assert appeal.title in tracked.content.decode()
    for url in ("/", "/projects/", "/requests/", "/stats/"):
        assert watch.time(url, lambda url=url: client.get(url)).status_code == 200, url
    # The first failures cost their time-outs; then the breaker is open and nothing waits on Redis.
    assert cache.breaker.is_open
    assert watch.after_the_first() < TIMEOUT / 5, watch.steps


def test_the_api_lists_projects_in_its_own_format(client, broken_cache, watch):
    f.project(title="云龙湖口袋公园")
    for _ in range(3):
        response = watch.time("list", lambda: client.get("/api/v1/projects/"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert [p["title"] for p in json.loads(response.content)["results"]] == ["云龙湖口袋公园"]
    stats = watch.time("stats", lambda: client.get("/api/v1/stats/"))
    assert stats.status_code == 200 and stats["Content-Type"].startswith("application/json")
    assert watch.after_the_first() < TIMEOUT / 5, watch.steps


def test_open311_takes_a_post(client, broken_cache):
    area_create(name="泰山社区", level=AreaLevel.COMMUNITY, parent=f.subdistrict("泰山街道"), code="320311010001")
    _key, raw = api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT)
    data = {
        "service_code": "bianmin.complaint",
        "description": "小区门口的路灯坏了一周。",
        "address_id": "320311010001",
        "phone": "13912345678",
    }
    response = client.post("/open311/v2/requests.json", {**data, "api_key": raw})
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/json")
    [created] = json.loads(response.content)
    assert Appeal.objects.filter(tracking_no=created["service_request_id"]).exists()


def test_the_rate_limits_still_hold_in_the_process(client, settings, broken_cache):
    taishan, taishan_c, *_ = areas()
    settings.PUBLIC_SUBMIT_LIMIT = 1
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "ip": "2/min"}
    assert client.post("/requests/new/", form_data(taishan, taishan_c)).status_code == 302
    refused = client.post("/requests/new/", form_data(taishan, taishan_c, title="又一件"))
    assert refused.status_code in (200, 429) and Appeal.objects.count() == 1
    assert [client.get("/api/v1/stats/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/stats/")["Content-Type"].startswith("application/json")


def test_the_breaker_fails_fast_while_open_and_one_probe_closes_it():
    breaker = cache_backend.Breaker("test", threshold=2, cooldown=0.2)
    calls = []

    def failing():
        calls.append(1)
        raise ConnectionRefusedError

    for _ in range(2):
        with pytest.raises(ConnectionRefusedError):
            breaker.call(failing)
    assert breaker.is_open
    with pytest.raises(cache_backend.CacheUnavailable):
        breaker.call(failing)
    assert len(calls) == 2  # the third call never reached the cache
    time.sleep(0.25)
    assert breaker.call(lambda: "answer") == "answer"
    assert not breaker.is_open
