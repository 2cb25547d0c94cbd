"""Concurrent steps add up in the rollups: the upsert increments, it never overwrites."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from apps.appeals.models import AppealDay, AppealStepDay
from apps.appeals.services import appeal_submit, appeal_transition
from tests import factories as f

THREADS = 6


def run_together(target, items) -> list[BaseException]:
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []

    def attempt(item):
        try:
            barrier.wait()
            target(item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_and_steps_of_one_group_all_count():
    area = f.community()
    # Six new requests of the same day and group at once: all race to insert the same new row.
    errors = run_together(
        lambda n: appeal_submit(
            kind="help", area=area, title=f"路灯坏了{n}", content="请修理。", submitter_phone="13912345678"
        ),
        list(range(THREADS)),
    )
    assert errors == []
    assert AppealDay.objects.filter(month=False).aggregate(n=Sum("received"))["n"] == THREADS
    # Then all six accepted at once: the same rows get six increments.
    pks = list(area.appeals.values_list("pk", flat=True))
    errors = run_together(lambda pk: appeal_transition(appeal=pk, action="accept"), pks)
    assert errors == []
    assert AppealDay.objects.filter(month=False).aggregate(n=Sum("responded"))["n"] == THREADS
    assert AppealStepDay.objects.filter(month=False).aggregate(n=Sum("n_accept"))["n"] == THREADS
