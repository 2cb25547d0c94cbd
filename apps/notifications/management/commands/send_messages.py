from django.core.management.base import BaseCommand

from apps.notifications.services import messages_send_due


class Command(BaseCommand):
    help = "Send the outbox's pending messages that are due (what Celery beat runs every minute)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{messages_send_due()} message(s) sent.")
