"""Rate limits of the REST API and Open311 (one budget, shared counters): per API key for
authenticated clients, per IP address for anonymous readers.

Counters live in the Django cache (Redis when several app servers share the load). Rates come
from settings.API_THROTTLE_RATES and are read on every request, so tests can override them.

On Redis (django-redis) each check is one atomic script call instead of DRF's read-then-write of
a pickled list: half the round trips on every anonymous read (the largest cost of a cached
answer, see bench/), and concurrent requests can no longer overwrite each other's entries.
The window is the same sliding log of request times as DRF's.
"""

from __future__ import annotations

import os
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from apps.apikeys.models import ApiKey

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
# This thread's own connection for the script: (client, pid, connection, sha). A connection
# taken from redis-py's pool and a Script object cost about as much Python per check as the
# round trip itself (210 µs against 120 µs measured here); the check runs on every API request.
_own = threading.local()


def _uses_redis() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith("django_redis.")


def _sliding_log(keys: list[str], args: list) -> list:
    """Run SLIDING_LOG on the cache's Redis over this thread's connection (made after any fork)."""
    from django_redis import get_redis_connection
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import NoScriptError

    client = get_redis_connection("default")
    state = getattr(_own, "state", None)
    if state is None or state[0] is not client or state[1] != os.getpid():
        state = _own.state = (client, os.getpid(), client.connection_pool.make_connection(), None)
    _client, pid, connection, sha = state
    for attempt in range(3):
        if sha is None:  # first use, or Redis forgot its scripts (restart, SCRIPT FLUSH)
            sha = client.script_load(SLIDING_LOG)
            _own.state = (client, pid, connection, sha)
        try:
            connection.send_command("EVALSHA", sha, len(keys), *keys, *args)
            return connection.read_response()
        except NoScriptError:
            sha = None
        except RedisConnectionError:
            connection.disconnect()  # reconnects on the next send; a second failure is raised
            if attempt:
                raise
    raise RuntimeError("the rate-limit script could not be run")


class _SettingsRateThrottle(SimpleRateThrottle):
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
        allowed, count, oldest = _sliding_log(
            [cache.make_key(f"{self.key}:log")],
            [repr(self.now), self.duration, self.num_requests, uuid.uuid4().hex],
        )
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
