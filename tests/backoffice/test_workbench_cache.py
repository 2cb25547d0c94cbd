"""今日待办's counts are kept in the cache per scope (issue 13): another official's step shows
within WORKBENCH_STALE_SECONDS, one's own at once; the counts still equal the lists they open, a
warm page costs fewer queries (and as many whatever the data), and a failing cache only makes
the page slower."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.scoping import scope_of
from apps.appeals.services import appeal_accept
from apps.common import cache as cache_module
from apps.common import cache_backend
from apps.common.cache import local_clear
from tests import factories as f
from tests.admin.conftest import staff
from tests.common.test_cache_failure import failing_cache, refused_port  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def counts(response) -> dict[str, int]:
    bench = response.context["workbench"]
    return {tile.key: tile.count for tile in [*bench.appeal_tiles, *bench.project_tiles]}


def index(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        index(client)
    return len(captured)


@pytest.fixture
def district(client):
    client.force_login(staff(f.official(scope="district")))
    return client


def later_by(monkeypatch, seconds: float) -> None:
    """The cache's clock moves on by `seconds`."""
    import time

    moved = time.time() + seconds
    monkeypatch.setattr(cache_module, "_now", lambda: moved)


def test_a_step_by_another_official_shows_within_the_stale_seconds(district, committing, monkeypatch):
    with committing():
        waiting = [f.appeal() for _ in range(3)]
    before = counts(index(district))
    assert before["to_accept"] == 3
    assert counts(index(district)) == before  # from the cache
    other = staff(f.official(scope="district"))
    with committing():
        appeal_accept(appeal=waiting[0], by=other)
    local_clear()
    assert counts(index(district)) == before  # counted less than WORKBENCH_STALE_SECONDS (5) ago
    later_by(monkeypatch, 6)
    after = counts(index(district))
    assert after["to_accept"] == 2 and after["to_assign"] == before["to_assign"] + 1
    bench = index(district).context["workbench"]
    for tile in bench.appeal_tiles:
        listed = district.get(tile.url)
        assert listed.status_code == 200
        assert listed.context["cl"].result_count == tile.count, tile.key


def test_without_a_step_the_counts_are_kept_longer(district, committing, monkeypatch):
    with committing():
        f.appeal()
    index(district)
    warm = queries(district)
    later_by(monkeypatch, 6)  # past the stale seconds, within WORKBENCH_COUNTS_SECONDS
    assert queries(district) == warm


def test_an_officials_own_step_shows_at_once(district, committing):
    with committing():
        waiting = f.appeal()
        f.appeal()
    assert counts(index(district))["to_accept"] == 2
    with committing():
        response = district.post(reverse("admin:appeals_appeal_workflow", args=[waiting.pk, "accept"]), {"note": ""})
    assert response.status_code == 302
    local_clear()
    assert counts(index(district))["to_accept"] == 1


@override_settings(WORKBENCH_STALE_SECONDS=0)
def test_with_no_stale_seconds_every_step_shows_at_once(district, committing):
    with committing():
        waiting = [f.appeal() for _ in range(2)]
    assert counts(index(district))["to_accept"] == 2
    with committing():
        appeal_accept(appeal=waiting[0], by=staff(f.official(scope="district")))
    local_clear()
    assert counts(index(district))["to_accept"] == 1


def test_the_page_says_when_the_counts_were_computed(district):
    response = index(district)
    at = response.context["workbench"].counted_at
    assert at is not None and response.context["workbench"].now - at < timedelta(seconds=5)
    assert "统计于" in response.content.decode()


@override_settings(WORKBENCH_STALE_SECONDS=0)
def test_a_warm_page_costs_fewer_queries_and_as_many_whatever_the_data(district, committing):
    index(district)
    cold = queries(district)  # after the session and permissions are read once
    cache.clear()
    local_clear()
    cold = queries(district)
    warm = queries(district)
    assert warm <= cold - 3  # the appeal groups and the project counts are not read
    with committing():
        for _ in range(4):
            f.appeal_in("assigned", co_departments=[f.department()])
            f.appeal()
            f.project()
    assert queries(district) == cold  # the writes made it count again
    assert queries(district) == warm


@override_settings(WORKBENCH_COUNTS_SECONDS=1)
def test_the_clock_driven_queues_are_counted_again_after_the_lifetime(district, monkeypatch):
    import time

    from apps.common import cache as cache_module

    index(district)
    warm = queries(district)
    later = time.time() + 2
    monkeypatch.setattr(cache_module, "_now", lambda: later)
    assert queries(district) > warm


def test_with_the_cache_down_the_counts_are_computed_directly(district, refused_port):  # noqa: F811
    f.appeal()
    cache_backend.reset_breakers()
    try:
        with override_settings(CACHES=failing_cache(refused_port)):
            local_clear()
            assert counts(index(district))["to_accept"] == 1
            assert counts(index(district))["to_accept"] == 1
    finally:
        cache_backend.reset_breakers()


@pytest.mark.postgres
def test_a_departments_co_assignments_are_read_from_their_own_index():
    """A department's scope (on 今日待办 and every list) looks its co-assignments up by department,
    not by walking the whole (request, department) index (issue 13)."""
    from django.db import transaction

    from apps.appeals.models import Appeal
    from apps.appeals.selectors import appeal_queue_counts

    unit = f.department()
    scope = scope_of(f.official(scope="department", department=unit))
    f.appeal_in("assigned", co_departments=[unit])
    with CaptureQueriesContext(connection) as captured:
        appeal_queue_counts(scope.filter_appeals(Appeal.objects.all()), scope=scope)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {captured[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "using co_assignment_active_unit" in plan, plan
    assert "co_assignment_one_active_per_department" not in plan, plan


def test_only_an_officials_successful_post_is_noted(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse

    from apps.backoffice.middleware import OfficialWritesMiddleware
    from apps.backoffice.workbench import WROTE_AT

    def noted(user, method: str = "post", status: int = 302) -> bool:
        request = getattr(rf, method)("/admin/")
        request.user, request.session = user, SessionStore()
        OfficialWritesMiddleware(lambda r: HttpResponse(status=status))(request)
        return WROTE_AT in request.session

    official = staff(f.official(scope="district"))
    assert noted(official)
    assert not noted(official, status=403)
    assert not noted(official, method="get")
    assert not noted(AnonymousUser())
