"""Rate limits of the REST API and Open311 (one budget, shared counters): per API key for
authenticated clients, per IP address for anonymous readers.

Counters live in the Django cache (Redis when several app servers share the load). Rates come
from settings.API_THROTTLE_RATES and are read on every request, so tests can override them.

On Redis (django-redis) each check is one atomic script call (redis-py's `register_script` on
django-redis's client: EVALSHA, loading the script again if Redis forgot it) instead of DRF's
read-then-write of a pickled list: half the round trips on every anonymous read, and concurrent
requests can no longer overwrite each other's entries. The window is the same sliding log of
request times as DRF's. When the cache fails, the limits hold per process
(apps.common.cache_backend.counters), never not at all.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache, caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from apps.apikeys.models import ApiKey
from apps.common.cache_backend import cache_is_bypassed, counters

logger = logging.getLogger(__name__)

# KEYS[1]: the log; ARGV: now, window seconds, limit, a unique member. Returns
# {allowed, requests in the window before this one, time of the oldest of them}.
SLIDING_LOG = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or tostring(now)
if count >= limit then
  return {0, count, oldest}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], window)
return {1, count, oldest}
"""


def _uses_redis() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith(("django_redis.", "apps.common.cache_backend."))


def _sliding_log(keys: list[str], args: list) -> list:
    """Run SLIDING_LOG on the cache's Redis (EVALSHA through redis-py's Script), behind the
    cache's circuit breaker."""
    backend = caches["default"]  # this thread's cache object: its client, script and breaker
    script = getattr(backend, "_sliding_log_script", None)
    if script is None:
        script = backend._sliding_log_script = backend.client.get_client(write=True).register_script(SLIDING_LOG)
    breaker = getattr(backend, "breaker", None)
    if breaker is None:
        return script(keys=keys, args=args)
    return breaker.call(lambda: script(keys=keys, args=args))


class _SettingsRateThrottle(SimpleRateThrottle):
    cache = counters  # DRF's own log, for the local-memory cache and while Redis fails

    def __init__(self) -> None:
        # The rate is resolved per request in allow_request (settings may change in tests).
        pass

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self._logged = None
        if self.rate is None or not _uses_redis():
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            allowed, count, oldest = _sliding_log(
                [cache.make_key(f"{self.key}:log")],
                [repr(self.now), self.duration, self.num_requests, uuid.uuid4().hex],
            )
        except Exception:
            logger.warning("rate-limit script failed; limiting in this process", exc_info=not cache_is_bypassed())
            return super().allow_request(request, view)
        self._logged = (int(count), float(oldest))
        return bool(allowed)

    def wait(self) -> float | None:
        if self._logged is None:
            return super().wait()
        count, oldest = self._logged  # as DRF's: from the requests already in the window
        remaining = self.duration - (self.now - oldest) if count else self.duration
        available = self.num_requests - count + 1
        return remaining / float(available) if available > 0 else None


class ApiKeyRateThrottle(_SettingsRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request: Request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class IpRateThrottle(_SettingsRateThrottle):
    scope = "ip"

    def get_cache_key(self, request: Request, view) -> str | None:
        if isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
