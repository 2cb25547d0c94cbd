"""The shared cache when it fails: fast failure, and counters that fall back to this process.

Policy (README, "When the cache fails"): a failing cache never breaks a resident's flow.

- Pages and values are computed directly (apps.common.cache already does so on any cache error).
- Every call to Redis gives up after CACHE_TIMEOUT (0.25 s) to connect or to answer, without
  redis-py's retries. After BREAKER_THRESHOLD consecutive failures a per-process circuit breaker
  opens: for BREAKER_COOLDOWN seconds every call fails at once (`CacheUnavailable`) without
  touching the network, so a cache that accepts connections and never answers costs its first
  failures and then nothing. After the cool-down one caller probes; a success closes the breaker.
- Rate limits fall back to counters in this process's memory (`counters`), never to no limit: with
  several workers each holds the limit on its own, so a client gets at most workers × the limit.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_THRESHOLD = 2
DEFAULT_COOLDOWN = 10.0  # seconds
# What a cache that is down, refuses, or hangs raises (django-redis wraps redis-py's errors).
FAILURES = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


class CacheUnavailable(ConnectionInterrupted):
    """The breaker is open: the cache failed just now and is not asked again yet."""

    def __init__(self) -> None:
        super().__init__(connection=None)

    def __str__(self) -> str:
        return "the shared cache is unavailable (circuit breaker open)"


class Breaker:
    """Consecutive failures open it for `cooldown` seconds; then one probe decides."""

    def __init__(self, name: str, threshold: int, cooldown: float) -> None:
        self.name = name
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._probing = False

    def call(self, func: Callable[[], T]) -> T:
        self._before()
        try:
            result = func()
        except FAILURES as exc:
            if isinstance(exc, CacheUnavailable):
                raise
            self._failed(exc)
            raise
        except Exception:
            # The cache answered, with an error of the caller's (incr of a missing key): it works.
            # A probe that ended so must still close the breaker, or it stays "probing" for good.
            self._succeeded()
            raise
        self._succeeded()
        return result

    @property
    def is_open(self) -> bool:
        return self._open_until > time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self._failures, self._open_until, self._probing = 0, 0.0, False

    def _before(self) -> None:
        if not self._open_until:  # closed: the common case takes no lock
            return
        with self._lock:
            if not self._open_until:
                return
            if self._open_until > time.monotonic() or self._probing:
                raise CacheUnavailable
            self._probing = True  # cool-down over: this caller probes, the others still fail fast

    def _succeeded(self) -> None:
        if self._failures or self._open_until:
            with self._lock:
                if self._open_until:
                    logger.warning("cache %s answers again; breaker closed", self.name)
                self._failures, self._open_until, self._probing = 0, 0.0, False

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._failures >= self.threshold:
                self._open_until = time.monotonic() + self.cooldown
                logger.error(
                    "cache %s failed %d times (%s); bypassing it for %.0f s",
                    self.name,
                    self._failures,
                    exc.__class__.__name__,
                    self.cooldown,
                )


_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str | list[str], threshold: int, cooldown: float) -> Breaker:
    # Django makes a cache object per thread: the breaker is shared by the whole process.
    key = tuple(location) if isinstance(location, list | tuple) else (location,)
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = Breaker(",".join(key), threshold, cooldown)
        return breaker


def reset_breakers() -> None:
    """Close every breaker (tests, and after an operator fixed the cache)."""
    for breaker in list(_breakers.values()):
        breaker.reset()


GUARDED = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "incr",
    "decr",
    "delete",
    "delete_many",
    "has_key",
    "touch",
    "clear",
    "ttl",
    "expire",
)


class ResilientRedisCache(RedisCache):
    """django-redis with short time-outs, no retries and a per-process circuit breaker.

    OPTIONS: BREAKER_THRESHOLD, BREAKER_COOLDOWN (seconds); SOCKET_CONNECT_TIMEOUT and
    SOCKET_TIMEOUT as in django-redis (set from CACHE_TIMEOUT in settings).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        threshold = int(options.pop("BREAKER_THRESHOLD", DEFAULT_THRESHOLD))
        cooldown = float(options.pop("BREAKER_COOLDOWN", DEFAULT_COOLDOWN))
        # redis-py retries a failed call (3 times, with back-off, by default since 6.0): one hanging
        # call would then cost seconds instead of one time-out.
        pool_kwargs = dict(options.get("CONNECTION_POOL_KWARGS") or {})
        pool_kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        options["CONNECTION_POOL_KWARGS"] = pool_kwargs
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = _breaker_for(server, threshold, cooldown)


def _guard(name: str) -> Callable[..., Any]:
    unguarded = getattr(RedisCache, name)

    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self.breaker.call(lambda: unguarded(self, *args, **kwargs))

    method.__name__ = name
    method.__doc__ = unguarded.__doc__
    return method


for _name in GUARDED:
    setattr(ResilientRedisCache, _name, _guard(_name))


def cache_is_bypassed() -> bool:
    """Whether the default cache's breaker is open (its failures were already logged)."""
    breaker = getattr(cache, "breaker", None)
    return breaker is not None and breaker.is_open


# --- Counters that survive a failing cache -------------------------------------------------------

# This process's own counters, used while the shared cache fails.
_local_counters = LocMemCache("process-counters", {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10})


class _Counters:
    """The default cache's counter operations, falling back to this process's memory on failure.

    For rate limits: with the shared cache down they still count, per process, instead of
    failing (a 500) or letting everything through.
    """

    local = _local_counters

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(cache, name)(*args, **kwargs)
        except ValueError:  # incr/decr of a missing key: the caller's business, not a failure
            raise
        except Exception:
            if not cache_is_bypassed():
                logger.warning("rate-limit counter %s failed; counting in this process", name, exc_info=True)
            return getattr(self.local, name)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str, delta: int = 1) -> int:
        return self._call("incr", key, delta)

    def decr(self, key: str, delta: int = 1) -> int:
        return self._call("decr", key, delta)

    def delete(self, key: str) -> bool:
        return self._call("delete", key)


counters = _Counters()
