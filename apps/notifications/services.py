"""Writing messages to the outbox and sending them.

`message_enqueue` is called inside the transaction of the change that causes the message: the
row commits or rolls back with it, and only after the commit is a task queued to send it.
`message_send` is idempotent: it sends only a pending, due row, locked (and skipped if another
worker holds it), so a task delivered twice or a sweep racing a task sends once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from apps.notifications import templates
from apps.notifications.models import Message, MessageChannel, MessageStatus
from apps.notifications.sms import get_backend

logger = logging.getLogger(__name__)

SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8 … minutes (setting)."""
    return timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def message_enqueue(
    *,
    channel: str,
    recipient: str,
    template: str,
    context: dict,
    appeal=None,
    follow=None,
    headers: dict | None = None,
) -> Message:
    subject, body = templates.render(template, context)
    message = Message.objects.create(
        channel=channel,
        recipient=recipient,
        template=template,
        subject=subject,
        body=body,
        appeal=appeal,
        follow=follow,
        headers=headers or {},
    )
    transaction.on_commit(lambda: queue_send(message.pk))
    return message


def queue_send(message_id: int) -> None:
    """Hand a committed message to the workers. With no broker configured the task runs here
    and now (Celery's eager mode); if the broker is down the row stays pending for the sweep."""
    from apps.notifications.tasks import send_message

    queue_task(send_message, message_id)


def queue_task(task, *args) -> None:
    """Queue a task whose work is also found by a beat sweep: a broker that is down loses nothing."""
    try:
        task.delay(*args)
    except Exception:  # the broker is down: the rows wait for the sweep
        logger.warning("Could not queue %s%s; the sweep will do it.", task.name, args, exc_info=True)


def _deliver(message: Message) -> None:
    if message.channel == MessageChannel.SMS:
        get_backend().send(phone=message.recipient, body=message.body)
    else:
        EmailMessage(message.subject, message.body, to=[message.recipient], headers=message.headers or None).send()


def message_send(message_id: int) -> str:
    """Send one message if it is pending and due; record the outcome on the row."""
    with transaction.atomic():
        now = timezone.now()
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.PENDING, next_attempt_at__lte=now + timedelta(seconds=1))
            .first()
        )
        if message is None:
            return SKIPPED
        message.attempts += 1
        try:
            _deliver(message)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                outcome = FAILED
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                outcome = RETRY
            logger.warning("Message %s not sent (attempt %s): %s", message.pk, message.attempts, message.last_error)
        else:
            message.status, message.sent_at, message.last_error = MessageStatus.SENT, timezone.now(), ""
            outcome = SENT
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
        return outcome


def messages_send_due(*, limit: int = 500) -> int:
    """The sweep (Celery beat, or `manage.py send_messages`): send pending messages that are due,
    those whose task was lost with a broker that was down among them. Returns how many were sent."""
    due = Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(message_send(pk) == SENT for pk in ids)


@transaction.atomic
def messages_retry(*, messages: Iterable[Message]) -> int:
    """An official sends failed messages again: they become pending with a fresh set of attempts."""
    ids = [m.pk for m in messages if m.status == MessageStatus.FAILED]
    count = Message.objects.filter(pk__in=ids, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: queue_send(pk))
    return count


def messages_forget_recipients(*, appeals) -> int:
    """When a request's contact details are purged, its messages forget whom they went to;
    unsent ones are dropped (there is no one left to send them to)."""
    Message.objects.filter(appeal__in=appeals, status=MessageStatus.PENDING).delete()
    return Message.objects.filter(appeal__in=appeals).update(recipient="")
