"""今日待办's 协办 queues without a scan of the co-assignments: `appeal_queues` also holds
`co_pending` (so only the requests that still owe a 协办回复 are looked up) and the pending
co-assignments get an index that answers the look-up alone. CONCURRENTLY on PostgreSQL."""

from django.db import migrations, models

from apps.common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

OPEN_STATUSES = ("submitted", "accepted", "assigned", "in_progress", "returned", "review")
PENDING = models.Q(("replied_at__isnull", True), ("withdrawn_at__isnull", True))


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("appeals", "0021_published_list_indexes")]

    operations = [
        RemoveIndexConcurrently(model_name="appeal", name="appeal_queues"),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                condition=models.Q(("status__in", OPEN_STATUSES), ("extension_until__isnull", False), _connector="OR"),
                fields=[
                    "subdistrict",
                    "department",
                    "status",
                    "response_due",
                    "resolve_due",
                    "extension_until",
                    "supervision",
                    "supervision_answered_at",
                    "co_pending",
                    "id",
                ],
                name="appeal_queues",
            ),
        ),
        AddIndexConcurrently(
            model_name="appealcoassignment",
            index=models.Index(
                condition=PENDING, fields=["due", "appeal", "department"], name="co_assignment_pending_appeal"
            ),
        ),
    ]
