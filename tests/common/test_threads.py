"""Production serves with threaded workers (quanshan/gunicorn.conf.py): what a process keeps between
requests is shared by its threads. Each test hammers one such thing from many threads at once:
the rate limits' per-process counters (with the shared cache refused), the cache's circuit
breaker, the PII keyring, the in-process copies of cached values, and a ModelAdmin (one instance
for every request)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from apps.common import cache as shared_cache
from apps.common import cache_backend, pii
from apps.proposals.models import EvaluationRound
from apps.proposals.services import evaluation_round_open
from apps.public.ratelimit import Limit
from tests.common.test_cache_failure import failing_cache
from tests.proposals.helpers import deputy, district_official

THREADS = 8


def hammer(func: Callable[[int], object], calls: int, threads: int = THREADS) -> list:
    """`func(i)` for i in range(calls), from `threads` threads released together."""
    barrier = threading.Barrier(threads)

    def start(i: int) -> object:
        if i < threads:
            barrier.wait(5)
        return func(i)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(start, range(calls)))


@pytest.fixture
def refused_cache():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    cache_backend.reset_breakers()
    cache_backend.counters.local.clear()
    with override_settings(CACHES=failing_cache(port)):
        yield
    cache_backend.reset_breakers()
    cache_backend.counters.local.clear()


def test_a_rate_limit_counts_every_attempt_from_threads_while_the_cache_is_refused(refused_cache):
    limit = Limit("threads", limit=5, window=600)
    counts = hammer(lambda _i: limit.record("198.51.100.7"), 400)
    # Counted in this process's memory, each attempt once: no two threads saw the same count.
    assert sorted(counts) == list(range(1, 401))
    assert limit.count("198.51.100.7") == 400 and limit.is_blocked("198.51.100.7")


def test_a_rate_limit_counts_every_attempt_from_threads_with_the_cache_working():
    limit = Limit("threads-ok", limit=5, window=600)
    counts = hammer(lambda _i: limit.record("198.51.100.8"), 400)
    assert sorted(counts) == list(range(1, 401))


def test_the_breaker_lets_one_probe_through_while_every_other_thread_fails_fast():
    breaker = cache_backend.Breaker("threads", threshold=2, cooldown=0.2)
    down = True
    inside, most_inside = 0, 0
    lock = threading.Lock()

    def redis() -> str:
        nonlocal inside, most_inside
        with lock:
            inside += 1
            most_inside = max(most_inside, inside)
        try:
            time.sleep(0.01)
            if down:
                raise RedisConnectionError("refused")
            return "answer"
        finally:
            with lock:
                inside -= 1

    def call(_i: int) -> str:
        try:
            return breaker.call(redis)
        except cache_backend.CacheUnavailable:
            return "fast"
        except RedisConnectionError:
            return "failed"

    answers = hammer(call, 200)
    assert breaker.is_open and answers.count("fast") >= 150, answers  # at most a few reached Redis
    time.sleep(0.25)  # the cool-down is over: one probe at a time, the others still fail fast
    most_inside = 0
    answers = hammer(call, 200)
    assert most_inside == 1 and answers.count("failed") >= 1 and breaker.is_open
    down = False
    time.sleep(0.25)
    answers = hammer(call, 200)  # the others fail fast while the one probe is answered
    assert "answer" in answers and not breaker.is_open
    assert hammer(call, 200) == ["answer"] * 200


def test_a_probe_the_cache_answers_with_an_error_closes_the_breaker():
    """incr of a missing key raises ValueError from a Redis that works: that probe must close the
    breaker, not leave it "probing" (every call then failed fast for good)."""
    breaker = cache_backend.Breaker("threads-value", threshold=1, cooldown=0.05)
    with pytest.raises(RedisConnectionError):
        breaker.call(lambda: (_ for _ in ()).throw(RedisConnectionError("refused")))
    time.sleep(0.1)
    with pytest.raises(ValueError):
        breaker.call(lambda: (_ for _ in ()).throw(ValueError("Key 'n' not found")))
    assert hammer(lambda _i: breaker.call(lambda: "answer"), 100) == ["answer"] * 100


def test_the_pii_keyring_encrypts_and_indexes_the_same_from_threads():
    phones = [f"139{n:08d}" for n in range(400)]
    expected = [pii.phone_index(phone) for phone in phones]

    def round_trip(i: int) -> tuple[str, str]:
        return pii.decrypt(pii.encrypt(phones[i])), pii.phone_index(phones[i])

    results = hammer(round_trip, len(phones))
    assert [plain for plain, _index in results] == phones
    assert [index for _plain, index in results] == expected
    batch = hammer(lambda i: pii.decrypt(pii.encrypt_many(phones[i : i + 20])[7]), 200)
    assert batch == phones[7:207]


def test_in_process_copies_of_cached_values_stay_right_under_threads(monkeypatch):
    monkeypatch.setattr(shared_cache, "_local_enabled", lambda: True)
    monkeypatch.setattr(shared_cache, "LOCAL_MAX_ENTRIES", 16)  # culled and cleared again and again
    shared_cache.local_clear()

    def read(i: int) -> bool:
        key = f"threads-{i % 40}"
        return shared_cache.cached_value(key, lambda: key.upper()) == key.upper()

    assert all(hammer(read, 2000))
    shared_cache.local_clear()


@pytest.mark.django_db
def test_an_admin_list_shows_each_official_their_own_links_whatever_another_request_did():
    """The 测评 list offers 统计结果 to district officials, not to deputies. The ModelAdmin is one
    object for every request: a list rendered after another official's request began (another
    thread, between view and rendering) must still be drawn for its own reader."""
    official = district_official()
    zhang = deputy("张伟")
    evaluation_round_open(year=2027, phase="mid_year", by=official)
    assert EvaluationRound.objects.count() == 1
    model_admin = site._registry[EvaluationRound]
    factory = RequestFactory()

    def changelist(user):
        request = factory.get("/admin/proposals/evaluationround/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return model_admin.changelist_view(request)

    deputys = changelist(zhang)  # the deputy's list, not rendered yet...
    officials = changelist(official)  # ...when the district official's request comes in
    deputy_page, official_page = deputys.render().content.decode(), officials.render().content.decode()
    assert "填写测评" in deputy_page and "统计结果" not in deputy_page
    assert "统计结果" in official_page
