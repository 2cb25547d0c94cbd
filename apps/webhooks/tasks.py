from __future__ import annotations

from celery import shared_task

from apps.webhooks import services


@shared_task(bind=True, name="webhooks.deliver", max_retries=None, acks_late=True)
def deliver(self, delivery_id: int) -> str:
    outcome = services.delivery_send(delivery_id)
    if outcome == services.RETRY and not self.app.conf.task_always_eager:
        attempts = services.WebhookDelivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
        raise self.retry(countdown=services.retry_delay(attempts).total_seconds())
    return outcome


@shared_task(name="webhooks.deliver_due")
def deliver_due() -> int:
    return services.deliveries_send_due()
