from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from apps.appeals import services
from apps.appeals.models import Appeal, AppealEvent, Status
from apps.appeals.services import appeal_transition
from apps.appeals.workflow import IllegalTransition
from tests import factories as f


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_of_one_request_cannot_both_win(monkeypatch):
    appeal = f.appeal()
    real_check = services._check_actor_scope

    def slow_check(appeal, by, scope=None):
        # Widen the window between reading the status and writing the new one: without the
        # row lock both threads would read "submitted" here and both would win.
        time.sleep(0.3)
        real_check(appeal, by, scope)

    monkeypatch.setattr(services, "_check_actor_scope", slow_check)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(action: str, **kwargs):
        try:
            barrier.wait()
            appeal_transition(appeal=appeal.pk, action=action, **kwargs)
            outcomes.append("won")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("accept",)),
        threading.Thread(target=attempt, args=("accept",)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["refused", "won"]
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    assert AppealEvent.objects.filter(appeal=appeal).exclude(action="submit").count() == 1
    assert Appeal.objects.filter(pk=appeal.pk, status=Status.SUBMITTED).count() == 0
