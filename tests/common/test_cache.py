from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from apps.common import cache as qcache
from apps.common.cache import (
    FRESHNESS,
    PROJECTS,
    REQUESTS,
    bump_data_version,
    cached_aggregate,
    cached_page,
    cached_value,
    data_version,
)
from tests import factories


def cached_lock_key(key: str) -> str:
    """The lock `cached_value(key, ...)` takes while it recomputes."""
    return f"cv{qcache.ENTRY_FORMAT}:{key}:lock"


class Counter:
    def __init__(self, value: object = "v") -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> object:
        self.calls += 1
        return f"{self.value}{self.calls}"


def test_a_value_is_computed_once_while_fresh(clock):
    compute = Counter()
    assert cached_value("k", compute) == "v1"
    clock.advance(29)
    assert cached_value("k", compute) == "v1"
    assert compute.calls == 1


def test_a_value_is_recomputed_after_its_freshness_runs_out(clock):
    compute = Counter()
    cached_value("k", compute, fresh_for=30)
    clock.advance(31)
    assert cached_value("k", compute, fresh_for=30) == "v2"


def test_freshness_beyond_the_sixty_second_promise_is_refused():
    with pytest.raises(ValueError):
        cached_value("k", Counter(), fresh_for=FRESHNESS + 1)


def test_bumping_the_data_version_makes_the_next_read_recompute(clock):
    compute = Counter()
    cached_value("k", compute)
    bump_data_version()
    assert cached_value("k", compute) == "v2"
    assert cached_value("k", compute) == "v2"


def test_a_time_bound_value_ignores_writes_but_not_its_freshness(clock):
    compute = Counter()
    cached_value("rates", compute, fresh_for=30, depends=())
    bump_data_version()
    assert cached_value("rates", compute, fresh_for=30, depends=()) == "v1"
    clock.advance(30)
    assert cached_value("rates", compute, fresh_for=30, depends=()) == "v2"


def test_a_page_with_an_aggregate_inside_shows_a_change_within_sixty_seconds(rf, clock):
    """The worst case: the aggregate was computed just before the change, the page too."""
    data = {"received": 1}
    view_calls = []

    def view(request):
        view_calls.append(1)
        rates = cached_aggregate("rates", lambda: dict(data))
        return HttpResponse(str(rates["received"]).encode())

    page = cached_page(params=View.PARAMS)(view)
    assert page(rf.get("/stats/")).content == b"1"
    data["received"] = 2  # a change the page's cache did not hear about (no bump)
    seen_at = None
    for second in range(0, FRESHNESS + 1):
        if page(rf.get("/stats/")).content == b"2":
            seen_at = second
            break
        clock.advance(1)
    assert seen_at is not None and seen_at <= FRESHNESS
    assert len(view_calls) <= 4  # rebuilt now and then, not on every request


@pytest.fixture
def local_memory(monkeypatch):
    """This process's memory in front of the shared cache, as with Redis in production."""
    monkeypatch.setattr(qcache, "_local_enabled", lambda: True)
    reads = []
    real_read = qcache._read

    def counting_read(full_key, depends):
        reads.append(full_key)
        return real_read(full_key, depends)

    monkeypatch.setattr(qcache, "_read", counting_read)
    return reads


def test_a_process_reuses_what_it_just_read_without_asking_the_shared_cache(clock, local_memory):
    compute = Counter()
    assert cached_value("k", compute) == "v1"
    assert cached_value("k", compute) == "v1"
    assert len(local_memory) == 1
    clock.advance(qcache.LOCAL_FOR)
    assert cached_value("k", compute) == "v1"  # asks the shared cache again, still fresh there
    assert len(local_memory) == 2
    assert compute.calls == 1


def test_a_write_in_this_process_is_seen_at_once_despite_its_memory(clock, local_memory):
    compute = Counter()
    cached_value("k", compute)
    bump_data_version()
    assert cached_value("k", compute) == "v2"


def test_a_write_in_another_process_is_seen_within_the_local_seconds(clock, local_memory):
    compute = Counter()
    cached_value("k", compute)
    cache.incr("data-version:projects")  # another worker's write: this process's memory is untouched
    assert cached_value("k", compute) == "v1"
    clock.advance(qcache.LOCAL_FOR)
    assert cached_value("k", compute) == "v2"


def test_the_local_memory_never_outlives_the_shared_freshness(clock, local_memory):
    compute = Counter()
    cached_value("k", compute, fresh_for=30)
    clock.advance(29)
    cached_value("k", compute, fresh_for=30)  # read from the shared cache 1 s before it goes stale
    clock.advance(1)
    assert cached_value("k", compute, fresh_for=30) == "v2"


def test_the_local_memory_is_bounded(clock, local_memory):
    for i in range(qcache.LOCAL_MAX_ENTRIES + 10):
        cached_value(f"k{i}", Counter())
    assert len(qcache._local) <= qcache.LOCAL_MAX_ENTRIES


def test_the_local_memory_is_bounded_in_bytes(clock, local_memory, monkeypatch):
    """A worker keeps at most LOCAL_MAX_BYTES of rendered pages: random URLs of 1,000-request
    Open311 documents (860 KB) once grew one by 200 MB."""
    monkeypatch.setattr(qcache, "LOCAL_MAX_BYTES", 10_000)
    pages = [qcache.shared_response(200, bytes([i]) * 2_000, []) for i in range(40)]
    for i, page in enumerate(pages):
        cached_value(f"page{i}", lambda page=page: page)
        assert sum(b for _u, _v, b in qcache._local.values()) <= 10_000
    assert qcache._full_key("page39") in qcache._local  # the newest is kept
    huge = qcache.shared_response(200, b"x" * 5_000, [])  # over a quarter of the budget
    cached_value("huge", lambda: huge)
    assert qcache._full_key("huge") not in qcache._local
    assert cached_value("huge", lambda: None) == huge  # still shared through the cache


def test_the_data_version_grows_with_each_bump():
    first = data_version(PROJECTS)
    bump_data_version()
    bump_data_version(PROJECTS)
    assert data_version(PROJECTS) == first + 2


def test_a_value_follows_only_the_versions_it_depends_on(clock):
    compute = Counter()
    cached_value("projects-page", compute, depends=(PROJECTS,))
    bump_data_version(REQUESTS)
    assert cached_value("projects-page", compute, depends=(PROJECTS,)) == "v1"
    bump_data_version(PROJECTS)
    assert cached_value("projects-page", compute, depends=(PROJECTS,)) == "v2"


def test_the_data_version_is_recreated_after_the_cache_lost_it(clock):
    first = data_version(REQUESTS)
    cache.clear()
    clock.advance(1)
    bump_data_version()
    assert data_version(REQUESTS) > first


def test_while_one_caller_refreshes_a_stale_value_the_others_get_the_stale_copy(clock):
    compute = Counter()
    cached_value("k", compute)
    bump_data_version()
    cache.add(cached_lock_key("k"), 1)  # somebody else is recomputing right now
    assert cached_value("k", compute) == "v1"
    assert compute.calls == 1


def test_a_stale_copy_older_than_the_promise_is_never_served(clock):
    compute = Counter()
    cached_value("k", compute)
    clock.advance(FRESHNESS + 1)
    cache.add(cached_lock_key("k"), 1)  # a recomputation that never finishes
    assert cached_value("k", compute, wait=0) == "v2"


def test_a_failed_computation_releases_the_lock_and_raises():
    def boom() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cached_value("k", boom)
    assert cache.get(cached_lock_key("k")) is None
    assert cached_value("k", Counter()) == "v1"


def test_a_refused_value_is_returned_but_not_kept():
    compute = Counter()
    assert cached_value("k", compute, cache_if=lambda v: False) == "v1"
    assert cached_value("k", compute, cache_if=lambda v: False) == "v2"


def test_a_cache_outage_falls_back_to_computing():
    unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    with override_settings(CACHES={"default": unreachable}):
        assert cached_value("k", Counter()) == "v1"
        bump_data_version()  # must not raise either


def run_concurrently(n: int, func) -> list[object]:
    results: list[object] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = func()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


class SlowCounter(Counter):
    def __call__(self) -> object:
        self.calls += 1
        time.sleep(0.3)
        return f"{self.value}{self.calls}"


def test_concurrent_callers_on_a_cold_key_compute_it_only_once():
    compute = SlowCounter()
    results = run_concurrently(8, lambda: cached_value("cold", compute))
    assert compute.calls == 1
    assert results == ["v1"] * 8


def test_concurrent_callers_after_a_change_compute_once_and_never_wait():
    compute = SlowCounter()
    cached_value("hot", compute)
    bump_data_version()
    started = time.monotonic()
    waits: list[float] = []

    def read() -> object:
        value = cached_value("hot", compute)
        waits.append(time.monotonic() - started)
        return value

    results = run_concurrently(8, read)
    assert compute.calls == 2
    assert sorted(results) == ["v1"] * 7 + ["v2"]
    # Seven callers were served the stale copy without waiting for the 0.3 s recomputation.
    assert sum(1 for w in waits if w < 0.25) == 7
    assert cached_value("hot", compute) == "v2"


@pytest.mark.django_db
def test_saving_a_project_bumps_the_projects_version_when_it_commits(django_capture_on_commit_callbacks):
    project = factories.project()
    before = data_version(PROJECTS)
    with django_capture_on_commit_callbacks(execute=True):
        project.title = "泰山街道口袋公园"
        project.save()
        assert data_version(PROJECTS) == before  # not before the commit
    assert data_version(PROJECTS) == before + 1


@pytest.mark.django_db
def test_saving_a_session_does_not_bump_the_data_version(django_capture_on_commit_callbacks):
    from django.contrib.sessions.backends.db import SessionStore

    before = data_version(PROJECTS), data_version(REQUESTS)
    with django_capture_on_commit_callbacks(execute=True):
        SessionStore().save()
    assert (data_version(PROJECTS), data_version(REQUESTS)) == before


@pytest.mark.django_db
def test_history_rows_and_counters_do_not_bump_again(django_capture_on_commit_callbacks):
    from apps.appeals.models import Appeal, TrackingCounter
    from apps.appeals.services import appeal_set_publication

    appeal = factories.appeal()
    appeal_set_publication(appeal=appeal, approved=True)
    before = data_version(PROJECTS), data_version(REQUESTS)
    with django_capture_on_commit_callbacks(execute=True):
        appeal.title = "改了标题"
        appeal.save()  # the row and its history row: one bump for the row only
        TrackingCounter.objects.update_or_create(year=1999, defaults={"last": 1})
    assert (data_version(PROJECTS), data_version(REQUESTS)) == (before[0], before[1] + 1)
    assert Appeal.history.filter(id=appeal.pk).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_each_version_once_when_it_commits():
    from django.db import transaction

    before = data_version(PROJECTS), data_version(REQUESTS)
    with transaction.atomic():
        qcache.invalidate(PROJECTS)
        qcache.invalidate(PROJECTS)
        qcache.invalidate()
        assert (data_version(PROJECTS), data_version(REQUESTS)) == before
    assert (data_version(PROJECTS), data_version(REQUESTS)) == (before[0] + 1, before[1] + 1)


# --- Whole pages ----------------------------------------------------------------------------------


class View:
    PARAMS = ("repeat", "cookie", "status", "programme", "year")

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request, **kwargs):
        self.calls += 1
        body = f"page {self.calls}" + (" 泉山六心" * int(request.GET.get("repeat", "0")))
        response = HttpResponse(body.encode(), content_type="text/html; charset=utf-8")
        if request.GET.get("cookie"):
            response.set_cookie("x", "1")
        if request.GET.get("status"):
            response.status_code = int(request.GET["status"])
        return response


@pytest.fixture
def rf() -> RequestFactory:
    return RequestFactory()


def test_a_cached_page_is_rendered_once_and_served_with_its_content_type(rf):
    view = View()
    page = cached_page(params=View.PARAMS)(view)
    first = page(rf.get("/stats/"))
    second = page(rf.get("/stats/"))
    assert view.calls == 1
    assert second.content == first.content == b"page 1"
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_a_cached_page_shows_a_change_after_the_data_version_is_bumped(rf):
    view = View()
    page = cached_page(params=View.PARAMS)(view)
    page(rf.get("/"))
    bump_data_version()
    assert page(rf.get("/")).content == b"page 2"


def test_a_cached_page_shows_a_change_that_bypassed_signals_within_sixty_seconds(rf, clock):
    view = View()
    page = cached_page(params=View.PARAMS, fresh_for=30)(view)
    page(rf.get("/"))
    clock.advance(30)
    assert page(rf.get("/")).content == b"page 2"


def test_each_query_string_language_and_display_cookie_has_its_own_page(rf):
    from django.utils import translation

    translation.activate("zh-hans")
    view = View()
    page = cached_page(params=View.PARAMS, vary_cookies=["qs_text"])(view)
    page(rf.get("/projects/", {"programme": "lvse", "year": "2026"}))
    page(rf.get("/projects/", {"year": "2026", "programme": "lvse"}))  # same query, other order
    assert view.calls == 1
    page(rf.get("/projects/", {"programme": "fumin"}))
    assert view.calls == 2
    large = rf.get("/projects/", {"programme": "fumin"})
    large.COOKIES["qs_text"] = "large"
    page(large)
    assert view.calls == 3
    with translation.override("en"):
        page(rf.get("/projects/", {"programme": "fumin"}))
    assert view.calls == 4


def test_a_logged_in_readers_page_is_neither_served_from_nor_stored_in_the_cache(rf):
    view = View()
    page = cached_page(params=View.PARAMS)(view)
    page(rf.get("/"))
    logged_in = rf.get("/")
    logged_in.COOKIES["sessionid"] = "abc"
    assert page(logged_in).content == b"page 2"
    assert page(rf.get("/")).content == b"page 1"


def test_pages_that_set_cookies_or_fail_are_not_shared(rf):
    view = View()
    page = cached_page(params=View.PARAMS)(view)
    page(rf.get("/", {"cookie": "1"}))
    assert page(rf.get("/", {"cookie": "1"})).cookies
    page(rf.get("/", {"status": "404"}))
    assert page(rf.get("/", {"status": "404"})).status_code == 404
    assert view.calls == 4


def test_posts_are_never_cached(rf):
    view = View()
    page = cached_page(params=View.PARAMS)(view)
    page(rf.post("/"))
    page(rf.post("/"))
    assert view.calls == 2


# --- Compression ----------------------------------------------------------------------------------


def test_a_large_shared_page_is_sent_gzipped_to_clients_that_accept_it(rf):
    import gzip

    view = View()
    page = cached_page(params=View.PARAMS)(view)
    plain = page(rf.get("/", {"repeat": "500"}))
    packed = page(rf.get("/", {"repeat": "500"}, HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    assert view.calls == 1  # compressed once, when rendered
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 10
    assert plain["Vary"] == packed["Vary"] == "Accept-Encoding"


def test_a_small_page_is_never_compressed(rf):
    page = cached_page(params=View.PARAMS)(View())
    response = page(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
    assert response.content == b"page 1"
    assert "Content-Encoding" not in response and "Vary" not in response


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("*", True),
        ("GZIP", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("gzip;q=abc", False),
        ("x-gzip-not", False),
    ],
)
def test_accept_encoding_is_read_as_http_defines_it(rf, accept_encoding, gzipped):
    assert qcache.accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=accept_encoding)) is gzipped
