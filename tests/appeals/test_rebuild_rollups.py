"""`manage.py rebuild_rollups` puts back what a change past the workflow left wrong."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.appeals.figures import figures
from apps.appeals.models import Appeal, AppealDay, AppealStepDay
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
MARCH = {"first_day": date(2026, 3, 1), "last_day": date(2026, 3, 31), "today": date(2026, 4, 15)}


def received_in_march(subdistrict) -> int:
    (row,) = [r for r in figures(**MARCH) if r.key == subdistrict.pk]
    return row.counts["received"]


def test_a_bulk_update_is_set_right_by_rebuilding_its_days():
    kuishan = f.subdistrict("奎山")
    appeal = f.appeal_in("in_progress", area=f.community(parent=kuishan))
    moved = timezone.make_aware(datetime(2026, 3, 10, 9), TZ)
    Appeal.objects.filter(pk=appeal.pk).update(submitted_at=moved)  # past the state machine
    assert not [r for r in figures(**MARCH) if r.key == kuishan.pk]

    call_command("rebuild_rollups", "--from", "2026-03-01", "--to", "2026-03-31")
    assert received_in_march(kuishan) == 1
    # The days outside the range were left alone: the request still counts on the day it was
    # received before the update until those days are rebuilt too.
    today = timezone.localdate()
    assert AppealDay.objects.filter(month=False, day=today, received=1).exists()
    call_command("rebuild_rollups")
    assert not AppealDay.objects.filter(day=today, received__gt=0).exists()
    assert AppealStepDay.objects.filter(month=False, day=today, n_sign=1).exists()  # steps stay on their day


def test_if_empty_rebuilds_only_rollups_that_were_never_built():
    f.appeal()
    AppealDay.objects.all().delete()
    call_command("rebuild_rollups", "--if-empty")
    assert AppealDay.objects.filter(received=1, month=False).exists()
    AppealDay.objects.filter(month=False).update(received=5)
    call_command("rebuild_rollups", "--if-empty")
    assert AppealDay.objects.filter(received=5).exists()


def test_bad_dates_are_refused_with_a_message():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("rebuild_rollups", "--from", "2026-13-01")
    with pytest.raises(CommandError, match="不能早于"):
        call_command("rebuild_rollups", "--from", "2026-03-02", "--to", "2026-03-01")
