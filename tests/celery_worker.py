"""A real Celery worker (a subprocess) on a real Redis broker, for the tests that check what a
worker does: `worker` starts it, `worker_env` (override it in a test module) adds settings for
it, `use_broker` and `wait_for` help the test. Imported into tests/conftest.py.

The worker must read the test's database, so these run on PostgreSQL (DATABASE_URL); on SQLite
(an in-memory test database) they are skipped unless REQUIRE_CELERY=1 makes that a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from quanshan.celery import app as celery_app

# The test broker's own Redis db (the cache tests use 15); TEST_BROKER_URL picks another one so
# that two test runs on one machine do not flush each other's queue.
BROKER = os.environ.get("TEST_BROKER_URL") or "redis://127.0.0.1:6379/14"
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
def worker_env() -> dict[str, str]:
    """Extra environment (settings) for the worker process; a test module overrides it."""
    return {}


@pytest.fixture
def worker(broker, tmp_path, settings, worker_env):
    """A worker process on the test database, broker and MEDIA_ROOT, sending SMS to files in
    the folder it yields."""
    from tests.conftest import TEST_PII_KEYS

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
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": "",
        **worker_env,
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
