"""Creating, checking and revoking API keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.apikeys.models import ApiKey
from apps.appeals.models import Channel
from apps.audit.models import Action as AuditAction
from apps.audit.services import audit_record
from apps.places.models import Area, Department

KEY_PREFIX = "qs_"
PREFIX_PATTERN = re.compile(r"qs_[0-9a-f]{8}")
# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    name: str,
    scope: str,
    department: Department | None = None,
    channel: str = Channel.API,
    area: Area | None = None,
    by=None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw key, which is never stored and cannot be shown again."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = KEY_PREFIX + secrets.token_hex(4)
    raw = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        name=(name or "").strip(),
        scope=scope,
        department=department,
        area=area,
        channel=channel,
        prefix=prefix,
        key_hash=_hash(raw),
        created_by=by,
    )
    api_key.full_clean()
    api_key.save()
    audit_record(
        action=AuditAction.API_KEY_CREATE,
        user=by,
        username="" if by is not None else "manage.py",
        target=str(api_key),
        data={"scope": scope, "department": department.name if department else None, "channel": channel},
    )
    return api_key, raw


def api_key_authenticate(raw: str | None) -> ApiKey | None:
    """The active key matching `raw`, else None. One indexed query; last use is noted at most once a minute."""
    raw = (raw or "").strip()
    prefix, dot, _secret = raw.partition(".")
    if not dot or not PREFIX_PATTERN.fullmatch(prefix):
        return None
    api_key = ApiKey.objects.select_related("department").filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(raw)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by=None) -> ApiKey:
    """Revoke a key at once; revoking twice keeps the first date."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.revoked_by = by
        api_key.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action=AuditAction.API_KEY_REVOKE,
            user=by,
            username="" if by is not None else "manage.py",
            target=str(api_key),
        )
    return api_key
