"""Public pages: views only orchestrate; every read comes from `apps.public.selectors`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache

from apps.public.display import CONTRAST_COOKIE, COOKIE_MAX_AGE, TEXT_COOKIE


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {})


@never_cache
def display_set(request: HttpRequest) -> HttpResponse:
    """Remember language, text size and contrast in cookies, then go back where the reader was.

    A GET form, so it works without JavaScript and without a CSRF token on every page.
    Only a preference cookie changes, nothing on the server.
    """
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    cookie = {"max_age": COOKIE_MAX_AGE, "samesite": "Lax", "secure": settings.SESSION_COOKIE_SECURE}
    text = request.GET.get("text")
    if text in ("large", "normal"):
        response.set_cookie(TEXT_COOKIE, text, **cookie)
    contrast = request.GET.get("contrast")
    if contrast in ("high", "normal"):
        response.set_cookie(CONTRAST_COOKIE, contrast, **cookie)
    lang = request.GET.get("lang")
    if lang and lang in dict(settings.LANGUAGES) and check_for_language(lang):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE or COOKIE_MAX_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response
