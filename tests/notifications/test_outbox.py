"""The outbox: messages commit or roll back with their change, are sent once after the commit,
are retried with backoff, and end visible to district officials with a retry when they fail for good."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.notifications import services
from apps.notifications.models import Message, MessageStatus
from apps.notifications.sms import BaseBackend
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.SMS_BACKEND = "apps.notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def sms_sent(sms_dir) -> list[dict]:
    path = sms_dir / "sms.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


class BrokenGateway(BaseBackend):
    def send(self, *, phone: str, body: str) -> None:
        raise ConnectionError("gateway down")


def enqueue_sms(phone: str = "13912345678") -> Message:
    return services.message_enqueue(
        channel="sms",
        recipient=phone,
        template="appeal_accepted",
        context={"tracking_no": "QS-2026-000001", "link": "http://x/"},
    )


def test_a_message_is_sent_after_its_transaction_commits(sms_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = enqueue_sms()
        assert sms_sent(sms_dir) == []  # nothing leaves before the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1 and message.sent_at
    assert sms_sent(sms_dir) == [{"phone": "13912345678", "body": message.body}]


def test_a_rolled_back_change_leaves_no_message(sms_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_sms()
        raise RuntimeError
    assert not Message.objects.exists()
    assert sms_sent(sms_dir) == []


def test_sending_twice_sends_once(sms_dir):
    message = enqueue_sms()
    assert services.message_send(message.pk) == services.SENT
    assert services.message_send(message.pk) == services.SKIPPED
    assert len(sms_sent(sms_dir)) == 1


def test_the_recipient_is_encrypted_at_rest(sms_dir):
    from django.db import connection

    message = enqueue_sms("13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient FROM notifications_message WHERE id = %s", [message.pk])
        (stored,) = cursor.fetchone()
    assert "13912345678" not in stored


def test_a_failing_gateway_is_retried_with_backoff_then_given_up(settings, monkeypatch):
    settings.NOTIFY_MAX_ATTEMPTS, settings.NOTIFY_RETRY_BASE_SECONDS = 3, 60
    monkeypatch.setattr(services, "get_backend", BrokenGateway)
    message = enqueue_sms()

    before = timezone.now()
    assert services.message_send(message.pk) == services.RETRY
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert "gateway down" in message.last_error
    assert message.next_attempt_at >= before + timedelta(seconds=60)
    assert services.message_send(message.pk) == services.SKIPPED  # not due yet: the backoff holds

    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_send(message.pk) == services.RETRY
    message.refresh_from_db()
    assert message.next_attempt_at >= timezone.now() + timedelta(seconds=110)  # 2 minutes after the 2nd

    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_send(message.pk) == services.FAILED
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 3


def test_a_message_whose_broker_was_down_is_sent_by_the_sweep(sms_dir, monkeypatch, django_capture_on_commit_callbacks):
    from apps.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue_sms()
    assert Message.objects.get(pk=message.pk).status == MessageStatus.PENDING
    assert sms_sent(sms_dir) == []

    monkeypatch.undo()
    assert tasks.send_due() == 1
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
    assert len(sms_sent(sms_dir)) == 1


def test_a_district_official_sees_failed_messages_and_retries_them(
    client, settings, sms_dir, monkeypatch, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    monkeypatch.setattr(services, "get_backend", BrokenGateway)
    message = enqueue_sms()
    services.message_send(message.pk)
    monkeypatch.undo()
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "apps.notifications.sms.FileBackend", sms_dir

    client.force_login(factories.official())
    changelist = reverse("admin:notifications_message_changelist")
    page = client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200 and "appeal_accepted" in page.content.decode()
    assert client.get(reverse("admin:notifications_message_change", args=[message.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "retry", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert len(sms_sent(sms_dir)) == 1


def test_a_subdistrict_official_does_not_see_the_outbox(client):
    street = factories.subdistrict()
    client.force_login(factories.official(scope=ScopeKind.SUBDISTRICT, subdistrict=street))
    assert client.get(reverse("admin:notifications_message_changelist")).status_code == 403
