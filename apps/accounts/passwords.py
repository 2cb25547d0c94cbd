"""Password rules for officials (等保 2.0 身份鉴别): length, kinds of characters, no username,
and an age after which the password must be changed.

Django calls every validator's `password_changed()` after a new password is saved (admin forms,
`changepassword`, `set_password` + `save`), so `PasswordAgeRecorder` is where the date of each
change is written, whichever path set it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum()),
)


def character_classes(password: str) -> int:
    """How many of lower-case letters, upper-case letters, digits and other characters it uses."""
    return sum(1 for _name, test in CHARACTER_CLASSES if any(test(c) for c in password))


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 种。") % {"n": self.min_classes}


class NotContainingUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class PasswordAgeRecorder:
    """Validates nothing; remembers when the password was set."""

    def validate(self, password: str, user=None) -> None:
        return None

    def password_changed(self, password: str, user=None) -> None:
        if user is not None and user.pk is not None:
            from apps.accounts.services import password_change_record

            password_change_record(user=user)

    def get_help_text(self) -> str:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days:
            return ""
        return ngettext("密码每 %(n)d 天须更换一次。", "密码每 %(n)d 天须更换一次。", days) % {"n": days}


def password_expires_at(changed_at: datetime) -> datetime | None:
    days = settings.PASSWORD_MAX_AGE_DAYS
    return changed_at + timedelta(days=days) if days > 0 else None


def password_expired(changed_at: datetime, now: datetime | None = None) -> bool:
    expires = password_expires_at(changed_at)
    return expires is not None and (now or timezone.now()) >= expires
