"""今日待办 on a million requests: partial indexes over the few rows the queues can hold.

- `appeal_queues`: the open requests and those with an extension asked, with every column the
  handling queues read, so their counts are an index-only scan of these rows;
- `appeal_to_publish`, `appeal_to_publish_unit`: the requests awaiting publication review, by
  街道 and by unit;
- `appeal_open_deadline`: the open requests in deadline order, for the most urgent five.

Built CONCURRENTLY on PostgreSQL (writes go on meanwhile).
"""

from django.db import migrations, models

from apps.common.migration_operations import AddIndexConcurrently

PUBLICATION_PENDING = models.Q(("consent_to_publish", True), ("publish_approved", False))
OPEN_STATUSES = ("submitted", "accepted", "assigned", "in_progress", "returned", "review")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("appeals", "0018_narrow_rollups")]

    operations = [
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
                    "id",
                ],
                name="appeal_queues",
            ),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(condition=PUBLICATION_PENDING, fields=["subdistrict", "id"], name="appeal_to_publish"),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(condition=PUBLICATION_PENDING, fields=["department", "id"], name="appeal_to_publish_unit"),
        ),
        AddIndexConcurrently(
            model_name="appeal",
            index=models.Index(
                models.Case(
                    models.When(status="submitted", then=models.F("response_due")), default=models.F("resolve_due")
                ),
                models.F("id"),
                condition=models.Q(("status__in", OPEN_STATUSES)),
                name="appeal_open_deadline",
            ),
        ),
    ]
