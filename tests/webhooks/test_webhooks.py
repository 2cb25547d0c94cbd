"""Webhooks: an API key subscribes (API or admin); a change writes deliveries with its own
transaction; a local receiver verifies each signature with `standardwebhooks`, answers 500 and
then 200, and the delivery log shows both; payloads follow the key's scope (no personal data for
a key without it); a receiver failing for 3 days pauses the subscription and its owner is told."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks.webhooks import Webhook

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.projects.services import project_post_update
from apps.webhooks import services
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests import factories as f
from tests.admin.conftest import staff

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳春梅", "13905170427"


class Receiver:
    """A local HTTP server that verifies Standard Webhooks signatures and answers from a script."""

    def __init__(self, answers: list[int]):
        self.answers, self.received, self.secret = list(answers), [], None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                payload = Webhook(receiver.secret).verify(body, dict(self.headers))  # raises if forged
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append({"headers": headers, "payload": payload})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    server = Receiver([500, 200])
    yield server
    server.close()


def client_for(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def subscribe(raw: str, url: str, events: list[str]) -> dict:
    response = client_for(raw).post("/api/v1/webhooks/", {"url": url, "events": events}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_key_subscribes_and_a_signed_delivery_is_retried_after_a_500(receiver, django_capture_on_commit_callbacks):
    _key, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    created = subscribe(raw, receiver.url, ["request.created", "request.status_changed"])
    receiver.secret = created["secret"]
    assert created["secret"].startswith("whsec_")

    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.appeal(submitter_name=NAME, submitter_phone=PHONE)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code == 500 and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now()

    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert services.deliveries_send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_code == 200 and delivery.attempts == 2

    first, second = receiver.received
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"] == delivery.webhook_id
    assert second["payload"]["type"] == "request.created"
    data = second["payload"]["data"]["request"]
    assert data["tracking_no"] == appeal.tracking_no  # a personal-data key reads the private detail

    log = client_for(raw).get(f"/api/v1/webhooks/{created['id']}/deliveries/").json()
    (entry,) = log
    assert entry["status"] == "delivered" and entry["response_code"] == 200 and entry["attempts"] == 2


def test_a_public_key_never_gets_personal_data_nor_unpublished_requests(receiver, django_capture_on_commit_callbacks):
    _key, raw = api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT, channel="hotline")
    receiver.answers = []
    receiver.secret = subscribe(raw, receiver.url, ["request.created", "request.status_changed"])["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.appeal(submitter_name=NAME, submitter_phone=PHONE, consent_to_publish=True)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SKIPPED  # not published: not readable
    assert receiver.received == []

    appeal_set_publication(appeal=appeal, approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_transition(appeal=appeal, action="accept")
    (received,) = receiver.received
    text = json.dumps(received["payload"], ensure_ascii=False)
    assert received["payload"]["type"] == "request.status_changed"
    for private in (NAME, PHONE, PHONE[-4:], "submitter_phone"):
        assert private not in text


def test_progress_posted_carries_the_update_and_the_project(receiver, django_capture_on_commit_callbacks):
    _key, raw = api_key_create(name="开放数据平台", scope=ApiScope.SUBMIT)
    receiver.answers = []
    receiver.secret = subscribe(raw, receiver.url, ["project.progress_posted"])["secret"]
    project = f.project(title="口袋公园建设")
    with django_capture_on_commit_callbacks(execute=True):
        project_post_update(project=project, text="东侧绿化完成", progress=40)
    (received,) = receiver.received
    assert received["payload"]["data"]["project"]["title"] == "口袋公园建设"
    assert received["payload"]["data"]["update"]["text"] == "东侧绿化完成"


def test_failures_stop_after_24_hours_and_pause_after_3_days_telling_the_owner(
    receiver, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = f.official()
    owner.email = "it@example.gov.cn"
    owner.save()
    _key, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE, by=owner)
    receiver.answers = [500] * 10
    receiver.secret = subscribe(raw, receiver.url, ["request.created"])["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        f.appeal()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(hours=25), next_attempt_at=timezone.now())
    assert services.delivery_send(delivery.pk) == services.FAILED
    subscription = WebhookSubscription.objects.get()
    assert subscription.is_active and subscription.failing_since is not None

    WebhookSubscription.objects.update(failing_since=timezone.now() - timedelta(days=3, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_resend(deliveries=[delivery])
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.paused_at is not None
    (told,) = [m for m in mail.outbox if m.to == ["it@example.gov.cn"]]
    assert "已暂停" in told.body and receiver.url in told.body


def test_bad_subscriptions_are_400_with_field_errors():
    _key, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    client = client_for(raw)
    response = client.post("/api/v1/webhooks/", {"url": "ftp://x", "events": ["request.deleted"]}, format="json")
    assert response.status_code == 400
    body = json.dumps(response.json())
    assert "url" in body and "events" in body
    assert APIClient().post("/api/v1/webhooks/", {}, format="json").status_code == 401


def test_a_key_sees_only_its_own_subscriptions():
    _, mine = api_key_create(name="甲", scope=ApiScope.READ_PRIVATE)
    _, theirs = api_key_create(name="乙", scope=ApiScope.READ_PRIVATE)
    created = subscribe(mine, "https://example.cn/hooks", ["request.created"])
    assert client_for(theirs).get(f"/api/v1/webhooks/{created['id']}/").status_code == 404
    listed = client_for(theirs).get("/api/v1/webhooks/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []


def test_the_schema_documents_the_webhook_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/webhooks/" in schema and "resend" in schema


def test_the_admin_shows_the_log_and_resends(client, receiver, django_capture_on_commit_callbacks):
    _key, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    receiver.answers = [500, 200]
    receiver.secret = subscribe(raw, receiver.url, ["request.created"])["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        f.appeal()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(status=DeliveryStatus.FAILED)
    client.force_login(staff(f.official()))
    changelist = reverse("admin:webhooks_webhookdelivery_changelist")
    assert "500" in client.get(changelist).content.decode()
    subscription_page = reverse("admin:webhooks_webhooksubscription_change", args=[delivery.subscription_id])
    assert client.get(subscription_page).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "resend", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_code == 200


def test_a_district_official_adds_a_subscription_in_the_admin(client):
    key, _raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    client.force_login(staff(f.official()))
    add = reverse("admin:webhooks_webhooksubscription_add")
    data = {"api_key": key.pk, "url": "https://example.cn/hooks", "events": ["project.updated"], "is_active": "on"}
    data.update({"deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"})
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["project.updated"] and subscription.secret.startswith("whsec_")
    bad = client.post(add, {**data, "events": ["nope"]})
    assert bad.status_code == 200 and WebhookSubscription.objects.count() == 1
