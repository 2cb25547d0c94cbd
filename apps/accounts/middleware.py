"""The sign-in gate: after the password, an official must pass the second factor (when
OFFICIAL_2FA_REQUIRED) and then replace an expired password, before reaching anything else."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.passwords import password_expires_at
from apps.accounts.selectors import password_changed_at

# Remembered per session and per password (the session's password hash): one query per sign-in.
EXPIRY_SESSION_KEY = "_qs_password_expires"


class OfficialSignInGateMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Residents never have a signed-in session: nothing to look up for them.
        if SESSION_KEY in request.session and not self._open_path(request.path_info):
            user = request.user
            if user.is_authenticated and user.is_staff:
                if settings.OFFICIAL_2FA_REQUIRED and not user.is_verified():
                    return self._redirect("accounts:two_factor", request)
                if self._password_expired(request):
                    messages.warning(
                        request,
                        _("您的密码已超过 %(n)d 天未更换，请先设置新密码。") % {"n": settings.PASSWORD_MAX_AGE_DAYS},
                    )
                    return HttpResponseRedirect(reverse("admin:password_change"))
        return self.get_response(request)

    @staticmethod
    def _open_path(path: str) -> bool:
        open_paths = (
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_setup"),
            reverse("admin:logout"),
            reverse("admin:password_change"),
            reverse("admin:password_change_done"),
            settings.STATIC_URL,
            "/i18n/",
        )
        return path.startswith(open_paths)

    @staticmethod
    def _redirect(name: str, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _password_expired(request: HttpRequest) -> bool:
        if settings.PASSWORD_MAX_AGE_DAYS <= 0:
            return False
        stamp = request.session.get(HASH_SESSION_KEY, "")
        remembered = request.session.get(EXPIRY_SESSION_KEY)
        if not remembered or remembered[0] != stamp:
            expires = password_expires_at(password_changed_at(request.user))
            remembered = [stamp, expires.isoformat()]
            request.session[EXPIRY_SESSION_KEY] = remembered
        return timezone.now() >= datetime.fromisoformat(remembered[1])
