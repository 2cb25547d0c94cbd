"""A real Celery worker on Redis delivers a webhook: the local receiver verifies the Standard
Webhooks signature, answers 500 once and then 200; the worker retries after the (shortened)
backoff and the delivery log shows both attempts. PostgreSQL only (tests/celery_worker.py)."""

from __future__ import annotations

import pytest

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.webhooks.models import DeliveryStatus, WebhookDelivery
from tests import factories as f
from tests.celery_worker import wait_for
from tests.webhooks.test_webhooks import Receiver, client_for, subscribe


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {"WEBHOOK_RETRY_BASE_SECONDS": "1"}  # the retry after the 500 comes a second later


@pytest.fixture
def receiver():
    server = Receiver([500, 200])
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_a_signed_webhook_and_retries_after_a_500(receiver, worker):
    _key, raw = api_key_create(name="12345 热线平台", scope=ApiScope.READ_PRIVATE)
    created = subscribe(raw, receiver.url, ["request.created"])
    receiver.secret = created["secret"]

    appeal = f.appeal()  # commits: the delivery's task goes to the broker

    def delivered() -> bool:
        return WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists()

    assert wait_for(delivered, 60), "the worker did not deliver"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.response_code, delivery.last_error) == (2, 200, "")
    first, second = receiver.received  # both verified by the receiver with standardwebhooks
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == delivery.webhook_id
    assert second["payload"]["type"] == "request.created"
    assert second["payload"]["data"]["request"]["tracking_no"] == appeal.tracking_no

    (entry,) = client_for(raw).get(f"/api/v1/webhooks/{created['id']}/deliveries/").json()
    assert (entry["status"], entry["response_code"], entry["attempts"]) == ("delivered", 200, 2)
