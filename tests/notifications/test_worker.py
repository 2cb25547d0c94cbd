"""A real Celery worker (a subprocess) on a real Redis broker sends what a resident's submission
wrote to the outbox; with the broker down the message waits in the outbox and the sweep sends it.

The worker must read the test's database, so this runs on PostgreSQL (DATABASE_URL); on SQLite
(an in-memory test database) it is skipped unless REQUIRE_CELERY=1 makes that a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from apps.appeals.models import Appeal
from apps.appeals.selectors import appeals_with_phone
from apps.notifications.models import Message, MessageStatus
from quanshan.celery import app as celery_app
from tests.conftest import TEST_PII_KEYS
from tests.public.helpers import areas, form_data

BROKER = "redis://127.0.0.1:6379/14"  # the test broker's own db (the cache tests use 15)
PHONE = "13905170427"
BASE_DIR = Path(django_settings.BASE_DIR)
QUIET = ["--without-heartbeat", "--without-mingle", "--without-gossip"]


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_CELERY") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def broker():
    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=0.5)
        client.ping()
    except redis.RedisError:
        _skip_or_fail("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def worker(broker, tmp_path, settings):
    if connection.vendor != "postgresql":
        _skip_or_fail("the worker process needs a shared database: run with DATABASE_URL on PostgreSQL")
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    sms_dir = tmp_path / "sms"
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "apps.notifications.sms.FileBackend", sms_dir
    env = {
        **os.environ,
        **TEST_PII_KEYS,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "SMS_BACKEND": "apps.notifications.sms.FileBackend",
        "SMS_FILE_PATH": str(sms_dir),
        "REDIS_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "quanshan", "worker", "--pool=solo", "--loglevel=info", *QUIET],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager = False
    use_broker(BROKER)
    try:
        yield sms_dir
    finally:
        conf.task_always_eager = saved[0]
        use_broker(saved[1])
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)  # shown when the test fails


def use_broker(url: str) -> None:
    """Point this process's Celery at another broker: its cached connection and producer pools go."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(predicate, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


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
