"""Webhooks: writing deliveries with the change that causes them, and sending them signed.

`webhooks_emit` runs in the change's transaction and writes one pending delivery per active
subscription that wants the event; after the commit a task sends each. `delivery_send` builds
the payload once through the registered builder (apps.api registers the API's serializers, read
for the subscribing key's scope: a key that may not read the object gets nothing, a key without
personal-data scope gets the public version), signs it per Standard Webhooks (`webhook-id`,
`webhook-timestamp`, `webhook-signature: v1,<Base64 HMAC-SHA256>`), and POSTs it. A failure is
retried with exponential backoff until WEBHOOK_RETRY_HOURS after the event; a subscription
whose deliveries have failed for WEBHOOK_PAUSE_AFTER_DAYS is paused and its key's owner told.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from apps.notifications.models import MessageChannel
from apps.notifications.services import message_enqueue, queue_task
from apps.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVERED, RETRY, FAILED, SKIPPED = "delivered", "retry", "failed", "skipped"
# (api_key, event, object_id) → the event's data as that key may read it, or None. Registered by
# the interface that owns the serializers (apps.api), so the domain never imports it.
PayloadBuilder = Callable[[object, str, int], dict | None]
_builders: dict[str, PayloadBuilder] = {}


def register_payload_builder(kind: str, builder: PayloadBuilder) -> None:
    """`kind` is the event's prefix: "request" or "project"."""
    _builders[kind] = builder


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n-1), at most an hour (30 s, 1, 2, 4 … 60 min)."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def webhooks_emit(*events: str, object_id: int) -> int:
    """In the change's transaction: a pending delivery per active subscription and event it wants
    (one query when nobody subscribes; subscriptions are few, their event lists read here)."""
    wanted = [
        (pk, event)
        for pk, subscribed in WebhookSubscription.objects.filter(is_active=True).values_list("pk", "events")
        for event in events
        if event in (subscribed or [])
    ]
    if not wanted:
        return 0
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription_id=pk, event=event, object_id=object_id, webhook_id=f"msg_{secrets.token_hex(12)}")
        for pk, event in wanted
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [queue_delivery(pk) for pk in ids])
    return len(ids)


def queue_delivery(delivery_id: int) -> None:
    from apps.webhooks.tasks import deliver

    queue_task(deliver, delivery_id)


def _build(delivery: WebhookDelivery) -> dict | None:
    builder = _builders.get(delivery.event.split(".", 1)[0])
    if builder is None:
        raise LookupError(f"no payload builder registered for {delivery.event}")
    data = builder(delivery.subscription.api_key, delivery.event, delivery.object_id)
    if data is None:
        return None
    return {"type": delivery.event, "timestamp": delivery.created_at.isoformat(), "data": data}


def signed_headers(*, secret: str, webhook_id: str, body: str, at=None) -> dict[str, str]:
    at = at or timezone.now()
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
    }


def _post(url: str, body: str, headers: dict[str, str]) -> int:
    """POST and return the status code (an HTTP error's code too); raise OSError when unreachable."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "quanshan-liuxin-webhooks", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def delivery_send(delivery_id: int) -> str:
    """Send one pending, due delivery of an active subscription; record the attempt on the row."""
    with transaction.atomic():
        now = timezone.now()
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__api_key")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=1))
            .first()
        )
        if delivery is None or not delivery.subscription.is_active:
            return SKIPPED
        subscription = delivery.subscription
        if delivery.payload is None:
            delivery.payload = _build(delivery)
            if delivery.payload is None:  # the key's scope may not read this object
                delivery.status = DeliveryStatus.SKIPPED
                delivery.save(update_fields=["payload", "status"])
                return SKIPPED
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
        delivery.attempts += 1
        delivery.attempted_at = now
        try:
            headers = signed_headers(secret=subscription.secret, webhook_id=delivery.webhook_id, body=body)
            code = _post(subscription.url, body, headers)
            error = "" if 200 <= code < 300 else f"HTTP {code}"
        except (OSError, ValueError) as exc:
            code, error = None, f"{type(exc).__name__}: {exc}"[:2000]
        delivery.response_code, delivery.last_error = code, error
        if not error:
            delivery.status, delivery.delivered_at, outcome = DeliveryStatus.DELIVERED, timezone.now(), DELIVERED
            if subscription.failing_since is not None:
                WebhookSubscription.objects.filter(pk=subscription.pk).update(failing_since=None)
        else:
            if now - delivery.created_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
                delivery.status, outcome = DeliveryStatus.FAILED, FAILED
            else:
                delivery.next_attempt_at, outcome = now + retry_delay(delivery.attempts), RETRY
            _record_failure(subscription, now)
        delivery.save(
            update_fields=[
                "payload",
                "status",
                "attempts",
                "attempted_at",
                "response_code",
                "last_error",
                "next_attempt_at",
                "delivered_at",
            ]
        )
        return outcome


def _record_failure(subscription: WebhookSubscription, now) -> None:
    """Remember since when the receiver fails; after WEBHOOK_PAUSE_AFTER_DAYS pause and tell."""
    failing_since = subscription.failing_since or now
    if now - failing_since < timedelta(days=settings.WEBHOOK_PAUSE_AFTER_DAYS):
        WebhookSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(failing_since=now)
        return
    paused = WebhookSubscription.objects.filter(pk=subscription.pk, is_active=True).update(
        is_active=False, paused_at=now, failing_since=failing_since
    )
    owner = subscription.api_key.created_by
    if paused and owner is not None and owner.email:
        message_enqueue(
            channel=MessageChannel.EMAIL,
            recipient=owner.email,
            template="webhook_paused",
            context={
                "key": subscription.api_key.name,
                "url": subscription.url,
                "days": settings.WEBHOOK_PAUSE_AFTER_DAYS,
            },
        )
    logger.warning("Webhook subscription %s paused after failing since %s", subscription.pk, failing_since)


def deliveries_send_due(*, limit: int = 500) -> int:
    """Beat's sweep: pending deliveries that are due (retries, and tasks lost with the broker)."""
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), subscription__is_active=True
    )
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(delivery_send(pk) == DELIVERED for pk in ids)


@transaction.atomic
def deliveries_resend(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send again from the log: the same message (same webhook-id and body, so a receiver that
    already has it can tell), with a fresh 24 hours of retries."""
    ids = [d.pk for d in deliveries]
    count = (
        WebhookDelivery.objects.filter(pk__in=ids)
        .exclude(status=DeliveryStatus.PENDING)
        .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), created_at=timezone.now())
    )
    transaction.on_commit(lambda: [queue_delivery(pk) for pk in ids])
    return count


@transaction.atomic
def subscription_create(*, api_key, url: str, events: Iterable[str]) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        api_key=api_key, url=url, events=[e for e in WebhookEvent.values if e in set(events)]
    )


@transaction.atomic
def subscription_resume(*, subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=True, paused_at=None, failing_since=None)
