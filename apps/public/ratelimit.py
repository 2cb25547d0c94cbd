"""Counters in the Django cache: the public site's spam and probing guard, per IP (or per
any other key, such as a tracking number).

A counter is a fixed window that starts at an IP's first counted event. With Redis as the
shared cache (REDIS_URL) the limit holds across app servers; with the local-memory cache, or
while Redis fails (apps.common.cache_backend.counters), it holds per process.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from apps.common.cache_backend import counters as cache
from apps.common.http import client_ip


@dataclass(frozen=True)
class Limit:
    """At most `limit` counted events per IP (or per key) within `window` seconds.

    With `lockout`, reaching the limit refuses the IP for `lockout` seconds from that moment.
    Every method takes the request, counted by its client IP, or a string key of its own
    (a tracking number).
    """

    scope: str
    limit: int
    window: int
    lockout: int = 0

    def _key(self, request: HttpRequest | str, suffix: str = "n") -> str:
        # Hashed so the cache never holds residents' IP addresses (or tracking numbers) in clear.
        subject = request if isinstance(request, str) else client_ip(request)
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{suffix}:{digest}"

    def count(self, request: HttpRequest | str) -> int:
        return int(cache.get(self._key(request), 0))

    def is_blocked(self, request: HttpRequest | str) -> bool:
        if self.lockout:
            return cache.get(self._key(request, "lock")) is not None
        return self.count(request) >= self.limit

    def record(self, request: HttpRequest | str) -> int:
        """Count one event for the request's IP; returns the count within the current window."""
        key = self._key(request)
        cache.add(key, 0, timeout=self.window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add() and incr()
            cache.set(key, 1, timeout=self.window)
            count = 1
        if self.lockout and count >= self.limit:
            cache.set(self._key(request, "lock"), 1, timeout=self.lockout)
        return count

    def forgive(self, request: HttpRequest | str) -> None:
        """Take back one counted event: an attempt counted in advance that turned out right."""
        try:
            count = cache.decr(self._key(request))
        except ValueError:  # the window has expired meanwhile: nothing to take back
            return
        if self.lockout and count < self.limit:
            cache.delete(self._key(request, "lock"))

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil((self.lockout or self.window) / 60))


def submit_limit() -> Limit:
    """Requests submitted through the web form, per IP."""
    return Limit("submit", settings.PUBLIC_SUBMIT_LIMIT, settings.PUBLIC_SUBMIT_WINDOW)


def track_failure_limit() -> Limit:
    """Failed tracking look-ups (wrong number or digits), per IP; then a lockout for wrong
    guesses (a right pair still passes, see views_requests.request_track)."""
    return Limit(
        "track",
        settings.PUBLIC_TRACK_FAILURE_LIMIT,
        settings.PUBLIC_TRACK_FAILURE_WINDOW,
        lockout=settings.PUBLIC_TRACK_LOCKOUT,
    )


def track_daily_limit() -> Limit:
    """Failed tracking look-ups per IP and day: beyond it the IP is refused, right pair or not,
    so an attacker spreading guesses over many numbers gets a fixed number a day."""
    return Limit("track-day", settings.PUBLIC_TRACK_DAILY_LIMIT, 86400, lockout=86400)


def track_number_limit() -> Limit:
    """Failed look-ups of one tracking number (from any IP) a day: beyond it that number is
    under attack and refused to everyone, right pair or not, for the rest of the day."""
    return Limit("track-number", settings.PUBLIC_TRACK_NUMBER_LIMIT, 86400, lockout=86400)


def follow_ip_limit() -> Limit:
    """Follow requests (each sends a confirmation e-mail) per IP and hour."""
    return Limit("follow", settings.FOLLOW_IP_LIMIT, 3600)


def follow_address_limit() -> Limit:
    """Confirmation e-mails to one address a day, whoever asks: the form cannot flood a stranger."""
    return Limit("follow-address", settings.FOLLOW_ADDRESS_LIMIT, 86400)


def proposal_limit() -> Limit:
    """Proposals (民生实事建议) submitted through the web form, per IP: as many as requests."""
    return Limit("proposal", settings.PUBLIC_SUBMIT_LIMIT, settings.PUBLIC_SUBMIT_WINDOW)


def similar_limit() -> Limit:
    """附近已有相同反映 look-ups, per IP."""
    return Limit("similar", settings.PUBLIC_SIMILAR_LIMIT, settings.PUBLIC_SIMILAR_WINDOW)
