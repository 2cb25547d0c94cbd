"""The rate limits on Redis (as in production): one atomic script per check, same sliding window."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from apps.apikeys.throttling import IpRateThrottle

pytestmark = pytest.mark.redis

REDIS = {
    "default": {
        "BACKEND": "apps.common.cache_backend.ResilientRedisCache",  # as in production
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": "throttle-tests",
    }
}


@pytest.fixture(autouse=True)
def on_redis(settings):
    with override_settings(CACHES=REDIS):
        cache.clear()
        yield
        cache.clear()


def request_from(ip: str) -> Request:
    request = Request(RequestFactory().get("/api/v1/stats/", REMOTE_ADDR=ip))
    request.auth = None
    return request


def check(ip: str = "10.0.0.1") -> tuple[bool, float | None]:
    throttle = IpRateThrottle()
    allowed = throttle.allow_request(request_from(ip), None)
    return allowed, None if allowed else throttle.wait()


def test_an_address_gets_its_limit_then_waits_for_the_oldest_request_to_leave_the_window(settings, clock):
    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "3/min"}
    for _ in range(3):
        assert check()[0]
        clock.advance(10)
    allowed, wait = check()
    assert not allowed
    assert wait == pytest.approx(30)  # the first request, made 30 s ago, leaves the window in 30 s
    assert check("10.0.0.2")[0]  # another address has its own budget
    clock.advance(31)
    assert check()[0]


def test_concurrent_requests_never_get_past_the_limit(settings):
    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "5/min"}
    results: list[bool] = []
    barrier = threading.Barrier(20)

    def run() -> None:
        barrier.wait()
        results.append(check()[0])

    threads = [threading.Thread(target=run) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results.count(True) == 5


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after_on_redis(settings):
    from rest_framework.test import APIClient

    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "3/min"}
    api = APIClient()
    assert [api.get("/api/v1/programmes/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(api.get("/api/v1/programmes/")["Retry-After"]) > 0


def test_the_check_survives_redis_forgetting_its_scripts_and_a_dropped_connection(settings):
    from django_redis import get_redis_connection

    settings.API_THROTTLE_RATES = {"api_key": "100/min", "ip": "3/min"}
    assert check()[0]
    get_redis_connection("default").script_flush()  # as after a Redis restart
    assert check()[0]
    get_redis_connection("default").connection_pool.disconnect()  # the connections went away
    assert check()[0]
    assert not check()[0]  # and the count went on across both: 3 allowed, the 4th refused
