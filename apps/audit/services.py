"""Writing the audit log: one function, called from every audited path."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.audit.models import AuditEntry


def _client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    from apps.common.http import client_ip

    return client_ip(request)


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    target: str = "",
    rows: int | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. `user` defaults to the request's user; `username` names an actor that
    has no account (a failed sign-in) or an API key."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not username:
        username = user.get_username()
    return AuditEntry.objects.create(
        action=action,
        actor=user if user is not None and user.pk else None,
        actor_name=username[:150],
        ip_address=_client_ip(request)[:45],
        target=str(target)[:200],
        rows=rows,
        data=data or {},
    )


def audit_prune(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period; refuses one under the legal floor."""
    days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < settings.AUDIT_RETENTION_MIN_DAYS:
        raise ValueError(f"audit entries are kept at least {settings.AUDIT_RETENTION_MIN_DAYS} days, not {days}")
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The trigger lets a DELETE through only inside a transaction that says it prunes.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL quanshan.audit_prune = 'on'")
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
