from __future__ import annotations

from django.test import RequestFactory

from apps.common.http import client_ip
from apps.public import ratelimit
from apps.public.ratelimit import Limit


def request(ip: str = "203.0.113.5", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_socket_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.5", forwarded="1.2.3.4")) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_added_counts_not_what_the_client_sent(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("10.0.0.1", forwarded="6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    # Too few entries: someone bypassed the proxy; fall back to the socket address.
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("10.0.0.1", forwarded="198.51.100.7")) == "10.0.0.1"


def test_a_limit_blocks_after_its_count_and_only_that_address():
    limit = Limit("test", limit=2, window=60)
    for _ in range(2):
        assert not limit.is_blocked(request())
        limit.record(request())
    assert limit.is_blocked(request())
    assert not limit.is_blocked(request("198.51.100.9"))


def test_a_lockout_starts_when_the_limit_is_reached(settings):
    settings.PUBLIC_TRACK_FAILURE_LIMIT = 2
    settings.PUBLIC_TRACK_LOCKOUT = 300
    limit = ratelimit.track_failure_limit()
    limit.record(request())
    assert not limit.is_blocked(request())
    limit.record(request())
    assert limit.is_blocked(request())
    assert limit.retry_after_minutes == 5


def test_the_cache_never_holds_addresses_in_clear():
    limit = Limit("test", limit=2, window=60)
    key = limit._key(request("203.0.113.5"))
    assert "203.0.113.5" not in key
