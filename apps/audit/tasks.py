from __future__ import annotations

from celery import shared_task

from apps.audit.services import audit_prune


@shared_task(name="audit.prune")
def prune() -> int:
    """Audit entries older than AUDIT_RETENTION_DAYS (never under the legal floor)."""
    return audit_prune()
