"""Writes about officials' accounts: password age, second factor, lifting sign-in locks."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import PasswordAge
from apps.audit.models import Action
from apps.audit.services import audit_record

RECOVERY_CODES = 10


def password_change_record(*, user) -> None:
    PasswordAge.objects.update_or_create(user=user, defaults={"changed_at": timezone.now()})
    audit_record(action=Action.PASSWORD_CHANGE, user=user, target=user.get_username())


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator being enrolled (not yet confirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_enrol(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code; return the recovery codes (shown once),
    or None when the code is wrong."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    otp_login(request, device)
    audit_record(action=Action.TWO_FACTOR_ENROL, request=request, user=user, target=user.get_username())
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator or a recovery code; mark the session verified."""
    from django_otp import match_token

    user = request.user
    device = match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(action=Action.TWO_FACTOR_FAILED, request=request, user=user, target=user.get_username())
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def sign_in_locks_lift(*, attempts, by, request: HttpRequest | None = None) -> int:
    """Lift the given django-axes locks (their failure counters go), each one audited."""
    lifted = 0
    for attempt in attempts:
        audit_record(
            action=Action.UNLOCK,
            request=request,
            user=by,
            target=attempt.username or "",
            data={"ip_address": attempt.ip_address, "failures": attempt.failures_since_start},
        )
        attempt.delete()
        lifted += 1
    return lifted


def _changes(before: dict, after: dict) -> dict:
    return {
        key: [before.get(key), after.get(key)]
        for key in after.keys() | before.keys()
        if before.get(key) != after.get(key)
    }


def official_change_audit(*, request: HttpRequest, user, before: dict) -> None:
    """Record what changed in an official's flags, groups, permissions and scope (if anything)."""
    from apps.accounts.selectors import official_snapshot

    changes = _changes(before, official_snapshot(user.pk))
    if changes:
        audit_record(
            action=Action.OFFICIAL_CHANGE,
            request=request,
            target=user.get_username(),
            data={"changes": changes, **({"created": True} if not before else {})},
        )


def group_change_audit(*, request: HttpRequest, group, before: list[str]) -> None:
    from apps.accounts.selectors import group_permissions

    after = group_permissions(group.pk)
    if before != after:
        audit_record(
            action=Action.GROUP_CHANGE,
            request=request,
            target=group.name,
            data={"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after))},
        )
