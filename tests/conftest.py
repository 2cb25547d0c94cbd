from __future__ import annotations

import os
import socket

import pytest
from django.db import connection

from tests.celery_worker import broker, worker, worker_env  # noqa: F401  (fixtures for every test folder)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sign_in_without_second_factor(settings):
    """Tests sign officials in with force_login or a password and no authenticator app, and
    their passwords are new: the second factor and password expiry are off here and switched
    on by their own tests (tests/accounts/)."""
    settings.OFFICIAL_2FA_REQUIRED = False
    settings.PASSWORD_MAX_AGE_DAYS = 0


def _clear_caches() -> None:
    from django.core.cache import cache

    from apps.common.cache import local_clear

    cache.clear()
    local_clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English (cookie or Accept-Language) leaves English active on the thread
    after the response: every test starts in the site's default language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts and ends with an empty cache: cached pages, API answers and rate-limit
    counters never leak from one test into another."""
    _clear_caches()
    yield
    _clear_caches()


class Clock:
    """Stands in for the wall clock of the shared cache (apps.common.cache) and of the API's
    throttles, so a test moves time forward without waiting."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    from rest_framework.throttling import SimpleRateThrottle

    from apps.common import cache as shared_cache

    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(shared_cache, "_now", clock)
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda throttle: clock.now)
    return clock


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every image whose pixels Pillow decodes during the test."""
    from PIL import ImageFile

    seen: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(image):
        if image.tile:  # pixels still to decode (load() is called again on a loaded image)
            seen.append(image.size)
        return original(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def _redis_when_marked(request):
    """Tests marked `redis` need Redis on 127.0.0.1:6379: they skip without it, and fail instead
    with REQUIRE_REDIS=1 (as in CI, which starts Redis)."""
    if request.node.get_closest_marker("redis") is None or redis_is_running():
        return
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("Redis tests are required (REQUIRE_REDIS=1) but nothing answers on 127.0.0.1:6379")
    pytest.skip("needs Redis on 127.0.0.1:6379")


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """`with committing(): ...` runs what the writes inside registered for their commit, as a real
    commit would (a test's own transaction never commits): cached pages then see the writes."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# A fixed keyring for residents' personal data (apps.common.pii): the settings read PII_KEYS
# from the environment, which a test run does not have. Two keys, so rotation can be tested.
TEST_PII_KEYS = {
    "PII_KEYS": "test1:dGVzdC1rZXktb25lLWZvci1xdWFuc2hhbi1waWktMDA=,test2:dGVzdC1rZXktdHdvLWZvci1xdWFuc2hhbi1waWktMDA=",
    "PII_KEY_ID": "test1",
    "PII_INDEX_KEY": "dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLXBob25lcy0=",
}


def pytest_configure(config):
    from django.conf import settings

    for name, value in TEST_PII_KEYS.items():
        setattr(settings, name, value)
