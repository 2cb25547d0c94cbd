from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.notifications import follows, officials, services


@shared_task(bind=True, name="notifications.send_message", max_retries=None, acks_late=True)
def send_message(self, message_id: int) -> str:
    outcome = services.message_send(message_id)
    if outcome == services.RETRY and not self.app.conf.task_always_eager:
        # The row holds the attempt count and the next time; the sweep would also find it.
        attempts = services.Message.objects.values_list("attempts", flat=True).get(pk=message_id)
        raise self.retry(countdown=services.retry_delay(attempts).total_seconds())
    return outcome


@shared_task(name="notifications.send_due")
def send_due() -> int:
    return services.messages_send_due(limit=settings.NOTIFY_SWEEP_LIMIT)


@shared_task(name="notifications.follow_digests")
def follow_digests(frequency: str) -> int:
    return follows.follows_send_digests(frequency=frequency)


@shared_task(name="notifications.official_deadlines")
def official_deadlines() -> int:
    return officials.officials_scan_deadlines()


@shared_task(name="notifications.official_digests")
def official_digests() -> int:
    return officials.officials_send_digests()
