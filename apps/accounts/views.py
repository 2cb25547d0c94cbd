"""Second-factor pages for officials: enrol an authenticator app (QR code), then confirm each
sign-in with its six-digit code or a one-time recovery code."""

from __future__ import annotations

import segno
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.forms import TokenForm
from apps.accounts.selectors import has_authenticator
from apps.accounts.services import second_factor_verify, totp_device_pending, totp_enrol


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _context(request: HttpRequest, **extra) -> dict:
    from django.contrib import admin

    return {**admin.site.each_context(request), "next": _next_url(request), **extra}


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def two_factor(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not has_authenticator(request.user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("动态口令不正确或已使用，请重新输入。"))
    return TemplateResponse(request, "accounts/two_factor.html", _context(request, form=form, title=_("双因素验证")))


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if has_authenticator(request.user):
        # Replacing an authenticator needs the old one (or a district official resetting it).
        return redirect(f"{reverse('accounts:two_factor')}?{request.GET.urlencode()}")
    device = totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        codes = totp_enrol(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return TemplateResponse(
                request,
                "accounts/recovery_codes.html",
                _context(request, codes=codes, title=_("恢复码")),
            )
        form.add_error("token", _("动态口令不正确，请核对手机时间后重新输入。"))
    qr = segno.make(device.config_url, error="m")
    return TemplateResponse(
        request,
        "accounts/two_factor_setup.html",
        _context(
            request,
            form=form,
            title=_("绑定身份验证器"),
            qr_svg=qr.svg_inline(scale=4, title=_("扫码绑定")),
            secret=_base32(device),
        ),
    )


def _base32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


def locked_out(request: HttpRequest, original_response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes' answer to a sign-in of a locked username + address (AXES_LOCKOUT_CALLABLE)."""
    from django.conf import settings
    from django.contrib import admin
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),
        "title": _("账号已暂时锁定"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/locked.html", context, status=429)
