"""Reads about officials' accounts."""

from __future__ import annotations

from datetime import datetime

from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import PasswordAge


def password_changed_at(user) -> datetime:
    """When the password was last set; an account older than the record counts from its creation."""
    age = PasswordAge.objects.filter(user=user).values_list("changed_at", flat=True).first()
    return age or user.date_joined


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def official_snapshot(user_id: int | None) -> dict:
    """What an account may do: flags, groups, own permissions and scope (for the audit log)."""
    from django.contrib.auth import get_user_model

    from apps.accounts.models import OfficialProfile

    if user_id is None:
        return {}
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return {}
    profile = OfficialProfile.objects.filter(user_id=user_id).select_related("subdistrict", "department").first()
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
        "scope": profile.scope if profile else None,
        "subdistrict": profile.subdistrict.name if profile and profile.subdistrict_id else None,
        "department": profile.department.name if profile and profile.department_id else None,
    }


def group_permissions(group_id: int | None) -> list[str]:
    from django.contrib.auth.models import Permission

    if group_id is None:
        return []
    return sorted(
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(group__id=group_id).values_list(
            "content_type__app_label", "codename"
        )
    )
