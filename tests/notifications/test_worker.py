"""A real Celery worker (a subprocess) on a real Redis broker sends what a resident's submission
wrote to the outbox; with the broker down the message waits in the outbox and the sweep sends it.

The worker (tests/celery_worker.py) must read the test's database, so this runs on PostgreSQL
(DATABASE_URL); on SQLite it is skipped unless REQUIRE_CELERY=1 makes that a failure.
"""

from __future__ import annotations

import json
import time

import pytest

from apps.appeals.models import Appeal
from apps.appeals.selectors import appeals_with_phone
from apps.notifications.models import Message, MessageStatus
from quanshan.celery import app as celery_app
from tests.celery_worker import BROKER, use_broker, wait_for
from tests.public.helpers import areas, form_data

PHONE = "13905170427"


def sms_sent(sms_dir) -> list[dict]:
    path = sms_dir / "sms.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_tracking_number_sms_of_a_web_submission(client, worker):
    taishan, taishan_c, _, _ = areas()
    data = form_data(taishan, taishan_c, submitter_phone=PHONE, notify_sms="on", programme="")
    started = time.monotonic()
    assert client.post("/requests/new/", data).status_code == 302
    answered = time.monotonic() - started
    appeal = appeals_with_phone(Appeal.objects.all(), PHONE).get()

    assert wait_for(lambda: sms_sent(worker)), "the worker sent nothing"
    (sms,) = sms_sent(worker)
    assert sms["phone"] == PHONE and appeal.tracking_no in sms["body"]
    assert wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 1)
    print(f"the web request answered in {answered:.3f}s; the worker sent the SMS")


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_message_waits_and_the_sweep_sends_it(client, worker):
    use_broker("redis://127.0.0.1:1/14")  # nothing listens there
    taishan, taishan_c, _, _ = areas()
    started = time.monotonic()
    response = client.post(
        "/requests/new/", form_data(taishan, taishan_c, submitter_phone=PHONE, notify_sms="on", programme="")
    )
    assert response.status_code == 302, response.context["form"].errors  # never fails on the broker
    answered = time.monotonic() - started
    assert answered < 10
    print(f"with the broker down the web request answered in {answered:.3f}s")
    message = Message.objects.get()
    assert message.status == MessageStatus.PENDING

    use_broker(BROKER)  # Redis is back: beat's sweep queues the due messages
    celery_app.send_task("notifications.send_due")
    assert wait_for(lambda: sms_sent(worker)), "the sweep sent nothing"
    assert wait_for(lambda: Message.objects.get().status == MessageStatus.SENT)
