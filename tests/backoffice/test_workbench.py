"""今日待办: the admin's index counts what waits for each official, within their scope, and each
count opens the admin list of exactly those rows."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.scoping import scope_of
from apps.appeals.models import Appeal
from apps.appeals.selectors import APPEAL_QUEUES, appeals_in_queue
from apps.projects.selectors import PROJECT_QUEUES
from tests import factories as f

pytestmark = pytest.mark.django_db

DEMO_OFFICIALS = ["district", "kuishan", "zhujian"]


@pytest.fixture
def demo():
    call_command("seed_demo", "--demo-accounts", "--projects", "12", "--requests", "150", stdout=io.StringIO())


def tiles(response, group: str) -> dict[str, tuple[int, str]]:
    bench = response.context["workbench"]
    chosen = bench.appeal_tiles if group == "appeals" else bench.project_tiles
    return {tile.key: (tile.count, tile.url) for tile in chosen}


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


@pytest.mark.parametrize("username", DEMO_OFFICIALS)
def test_each_count_equals_the_rows_of_the_list_it_opens(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    seen = 0
    for group, queues in (("appeals", APPEAL_QUEUES), ("projects", PROJECT_QUEUES)):
        counts = tiles(response, group)
        assert set(counts) == {queue.key for queue in queues}
        for key, (count, url) in counts.items():
            assert list_count(client, url) == count, (username, key)
            assert f'href="{url}"' in response.content.decode().replace("&amp;", "&")
            seen += count
    assert seen > 0, "the demo data should leave something to do"


@pytest.mark.parametrize("username", DEMO_OFFICIALS)
def test_no_row_of_a_queue_lies_outside_its_candidates(demo, username):
    """A count and its list read only the queue's candidate rows (a partial index): the queue's
    condition alone, over every request in scope, finds no other row."""
    scope = scope_of(get_user_model().objects.get(username=username))
    appeals = scope.filter_appeals(Appeal.objects.all())
    # A closed request still waiting for publication, whatever the demo drew for this day.
    closed = appeals.filter(status="closed").order_by("pk").first()
    Appeal.objects.filter(pk=closed.pk).update(consent_to_publish=True, publish_approved=False)
    now = timezone.now()
    for queue in APPEAL_QUEUES:
        anywhere = appeals.filter(queue.condition(now, scope)).values_list("pk", flat=True)
        in_queue = appeals_in_queue(appeals, queue.key, now=now, scope=scope).values_list("pk", flat=True)
        assert set(anywhere) == set(in_queue), (username, queue.key)
    assert appeals_in_queue(appeals, "to_publish", scope=scope).filter(status="closed").exists()


@pytest.mark.postgres
@pytest.mark.parametrize("username", DEMO_OFFICIALS)
def test_the_workbench_reads_only_the_open_rows_indexes(client, demo, username):
    """On a million requests the counts and the urgent list must not read the closed ones: each
    query on the requests can be answered from its partial index (the plan PostgreSQL picks
    when a table scan is ruled out; on this small table it would scan it anyway)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:index")).status_code == 200
    on_requests = [q["sql"] for q in captured if 'FROM "appeals_appeal"' in q["sql"]]
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql in on_requests:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert len(plans) == 3, on_requests
    partial = ("appeal_queues", "appeal_to_publish", "appeal_to_publish_unit", "appeal_open_deadline")
    for plan in plans:
        reads = [line for line in plan.splitlines() if re.search(r" on appeals_appeal\b", line)]
        assert reads and all(any(f"using {name} " in line for name in partial) for line in reads), plan
    assert "Index Only Scan using appeal_queues" in plans[0], plans[0]
    assert "Index Only Scan using appeal_to_publish" in plans[1], plans[1]  # or _unit


def test_a_subdistrict_official_counts_only_their_subdistrict(client, demo):
    kuishan = get_user_model().objects.get(username="kuishan")
    client.force_login(kuishan)
    counts = tiles(client.get(reverse("admin:index")), "appeals")
    in_kuishan = Appeal.objects.filter(subdistrict=kuishan.official.subdistrict)
    assert counts["to_accept"][0] == in_kuishan.filter(status="submitted").count()
    assert counts["to_accept"][0] < Appeal.objects.filter(status="submitted").count()


@pytest.fixture
def district_official():
    from tests.admin.conftest import staff

    return staff(f.official("district"))


def test_deadlines_fall_in_the_right_queue(client, district_official):
    now = timezone.now()
    handler = f.department()
    soon = f.appeal_in("in_progress", handler=handler)
    tomorrow = f.appeal_in("in_progress", handler=handler)
    late = f.appeal_in("in_progress", handler=handler)
    very_late = f.appeal_in("in_progress", handler=handler)
    Appeal.objects.filter(pk=soon.pk).update(resolve_due=now + timedelta(hours=3))
    Appeal.objects.filter(pk=tomorrow.pk).update(resolve_due=now + timedelta(hours=30))
    Appeal.objects.filter(pk=late.pk).update(resolve_due=now - timedelta(hours=30))
    Appeal.objects.filter(pk=very_late.pk).update(resolve_due=now - timedelta(days=8))
    client.force_login(district_official)
    response = client.get(reverse("admin:index"))
    counts = {key: count for key, (count, _url) in tiles(response, "appeals").items()}
    assert counts["due_24h"] == 1
    assert counts["due_48h"] == 2
    assert counts["overdue"] == 2
    assert counts["overdue_3d"] == 1
    assert counts["overdue_7d"] == 1
    urgent = [row.appeal.pk for row in response.context["workbench"].urgent]
    assert urgent[:4] == [very_late.pk, late.pk, soon.pk, tomorrow.pk]
    page = response.content.decode()
    assert "超期 8 天" in page and "超期 1 天" in page and "剩 2 小时" in page


def cold() -> None:
    """Forget the cached counts: the next page counts again (tests/backoffice/test_workbench_cache.py
    has the warm page)."""
    from django.core.cache import cache

    from apps.common.cache import local_clear

    cache.clear()
    local_clear()


def test_the_counts_take_a_fixed_number_of_queries(client, district_official, django_assert_max_num_queries):
    client.force_login(district_official)
    client.get(reverse("admin:index"))

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cold()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        f.appeal_in("assigned", co_departments=[f.department()])
        f.appeal()
        f.project()
    assert queries() == few


def test_a_departments_counts_take_a_fixed_number_of_queries_with_co_assignments(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.admin.conftest import staff

    unit = f.department()
    client.force_login(staff(f.official(scope="department", department=unit)))

    def queries() -> int:
        cold()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("admin:index"))
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        f.appeal_in("assigned", co_departments=[unit])
        f.appeal_in("in_progress", handler=unit, co_departments=[f.department()])
    assert queries() == few
    counts = tiles(client.get(reverse("admin:index")), "appeals")
    assert counts["co_reply"][0] == 4 and counts["to_sign"][0] == 0
