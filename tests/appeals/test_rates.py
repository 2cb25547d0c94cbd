"""三率 on a small data set whose answer is worked out by hand below."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.appeals.rollups import rollups_rebuild
from apps.appeals.selectors import appeal_rates
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h), TZ)


START, END, NOW = at(2026, 1, 1, 0), at(2026, 7, 1, 0), at(2026, 8, 1)


def stamp(appeal, *, submitted, responded_after_hours=None, resolve_due=None, resolved=None, rating=None):
    fields = {
        "submitted_at": submitted,
        "response_due": submitted + timedelta(hours=24),
        "resolve_due": resolve_due or submitted + timedelta(days=14),
        "responded_at": None if responded_after_hours is None else submitted + timedelta(hours=responded_after_hours),
        "resolved_at": resolved,
    }
    if rating is not None:
        fields["rating"] = rating
    Appeal.objects.filter(pk=appeal.pk).update(**fields)
    rollups_rebuild()  # .update() goes past the state machine: recompute the figures' rollups


@pytest.fixture
def hand_built():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    in_kuishan, in_taishan = f.community(parent=kuishan), f.community(parent=taishan)
    d1, d2 = f.department("区住房和城乡建设局"), f.department("区民政局")

    # 奎山: a1 in time, resolved, 满意; a2 late response, resolved, 不满意; a3 in time, overdue and
    # unresolved; a4 not yet responded, not yet due at the period's end; a5 before the period.
    a1 = f.appeal_in("closed", handler=d1, area=in_kuishan)
    stamp(a1, submitted=at(2026, 2, 1), responded_after_hours=2, resolved=at(2026, 2, 5), rating="satisfied")
    a2 = f.appeal_in("closed", handler=d1, area=in_kuishan)
    stamp(a2, submitted=at(2026, 3, 1), responded_after_hours=30, resolved=at(2026, 3, 9), rating="unsatisfied")
    a3 = f.appeal_in("in_progress", handler=d1, area=in_kuishan)
    stamp(a3, submitted=at(2026, 4, 1), responded_after_hours=5, resolve_due=at(2026, 4, 20))
    a4 = f.appeal_in("submitted", area=in_kuishan)
    stamp(a4, submitted=at(2026, 6, 30), resolve_due=at(2026, 7, 14))
    a5 = f.appeal_in("closed", handler=d1, area=in_kuishan)
    stamp(a5, submitted=at(2025, 12, 31), responded_after_hours=1, resolved=at(2026, 1, 2), rating="unsatisfied")

    # 泰山: b1 rejected in time (no department, not counted as due); b2 resolved, 基本满意.
    b1 = f.appeal_in("rejected", area=in_taishan)
    stamp(b1, submitted=at(2026, 5, 1), responded_after_hours=3)
    b2 = f.appeal_in("closed", handler=d2, area=in_taishan)
    stamp(b2, submitted=at(2026, 5, 2), responded_after_hours=1, resolved=at(2026, 5, 6), rating="basically")
    return kuishan, taishan, d1, d2


def test_rates_per_subdistrict_match_the_hand_computation(hand_built, django_assert_max_num_queries):
    kuishan, taishan, *_ = hand_built
    with django_assert_max_num_queries(4):
        rates = {r.key: r for r in appeal_rates(start=START, end=END, now=NOW)}

    k = rates[kuishan.pk]
    assert (k.received, k.responded_in_time, k.due, k.resolved, k.rated, k.satisfied) == (4, 2, 3, 2, 2, 1)
    assert (k.response_rate, k.resolution_rate, k.satisfaction_rate) == (
        Decimal("50.0"),
        Decimal("66.7"),
        Decimal("50.0"),
    )
    # Composite 30/30/40: (50*30 + 66.7*30 + 50*40) / 100 = 55.0 (rates rounded first).
    assert k.score == Decimal("55.0")

    t = rates[taishan.pk]
    assert (t.received, t.responded_in_time, t.due, t.resolved, t.rated, t.satisfied) == (2, 2, 1, 1, 1, 1)
    assert (t.response_rate, t.resolution_rate, t.satisfaction_rate) == (Decimal("100.0"),) * 3


def test_rates_per_department_leave_out_unassigned_requests(hand_built):
    _, _, d1, d2 = hand_built
    rates = {r.key: r for r in appeal_rates(start=START, end=END, now=NOW, group_by="department")}
    assert set(rates) == {d1.pk, d2.pk}
    one = rates[d1.pk]
    assert (one.received, one.responded_in_time, one.due, one.resolved, one.rated, one.satisfied) == (3, 2, 3, 2, 2, 1)
    assert one.name == "区住房和城乡建设局"
    assert rates[d2.pk].satisfaction_rate == Decimal("100.0")


def test_small_samples_are_not_ranked(hand_built, settings):
    settings.RATES_MIN_SAMPLE = 3
    rates = appeal_rates(start=START, end=END, now=NOW)
    assert [r.rankable for r in rates] == [True, False]


def test_an_empty_period_has_no_rates_rather_than_zero(hand_built):
    assert appeal_rates(start=at(2020, 1, 1), end=at(2020, 2, 1), now=NOW) == []


def test_query_count_does_not_grow_with_the_requests(hand_built, django_assert_max_num_queries):
    for _ in range(20):
        f.appeal()
    with django_assert_max_num_queries(4):
        appeal_rates(start=START, end=timezone.now() + timedelta(days=1), now=NOW)


def test_a_response_exactly_at_the_deadline_is_on_time():
    jiuli = f.subdistrict("九里")
    on_the_dot = f.appeal_in("accepted", area=f.community(parent=jiuli))
    stamp(on_the_dot, submitted=at(2026, 2, 1), responded_after_hours=24)  # response_due is +24 h
    a_second_late = f.appeal_in("accepted", area=f.community(parent=jiuli))
    stamp(a_second_late, submitted=at(2026, 2, 2), responded_after_hours=24)
    Appeal.objects.filter(pk=a_second_late.pk).update(responded_at=at(2026, 2, 3) + timedelta(seconds=1))
    rollups_rebuild()

    (row,) = appeal_rates(start=START, end=END, now=NOW)
    assert (row.received, row.responded_in_time) == (2, 1)
    assert row.response_rate == Decimal("50.0")


def test_a_request_resolved_early_counts_as_due_and_resolved_before_its_deadline():
    # The period ends (and it is now) before the resolve deadline: still, what was resolved counts.
    jiuli = f.subdistrict("九里")
    early = f.appeal_in("closed", area=f.community(parent=jiuli))
    stamp(
        early, submitted=at(2026, 6, 25), responded_after_hours=1, resolve_due=at(2026, 7, 10), resolved=at(2026, 6, 27)
    )
    not_yet_due = f.appeal_in("in_progress", area=f.community(parent=jiuli))
    stamp(not_yet_due, submitted=at(2026, 6, 26), responded_after_hours=1, resolve_due=at(2026, 7, 11))

    for now in (NOW, at(2026, 6, 30)):
        (row,) = appeal_rates(start=START, end=END, now=now)
        assert (row.received, row.due, row.resolved) == (2, 1, 1)
        assert row.resolution_rate == Decimal("100.0")
