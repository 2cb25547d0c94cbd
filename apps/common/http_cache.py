"""What caches in front of the app (a reverse proxy, a CDN, a phone's browser) may keep.

- **Shared answers** — anonymous pages, API answers and Open311 documents that
  `apps.common.cache` already shares between readers (`SharedResponse.to_response(max_age=…)`)
  — are sent `Cache-Control: public, max-age=<their freshness>, stale-while-revalidate=<the
  rest of the minute>` with an ETag, and a request whose `If-None-Match` matches gets a 304
  with no body. A proxy then absorbs repeated reads across several app servers, and a phone
  re-downloads nothing unchanged. A proxy adds at most `FRESHNESS` (a minute) to the app's own
  minute.
- **Anything personal** — a request carrying a session or message cookie (an official, a
  resident between the form and its receipt) or an API key, a response that sets a cookie or
  carries a CSRF token (every form: the request form, tracking, sign-in), any other method
  than GET/HEAD — is `Cache-Control: private, no-store` (or stricter, as `never_cache` says it),
  whatever the view said.
- Everything else (static files, project photos, health checks, feeds) keeps its own headers.

The README has an nginx `proxy_cache` configuration for it; tests/common/test_http_cache_nginx.py
runs Debian's nginx with it in front of the app.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag

from apps.common.cache import FRESHNESS, PERSONAL_COOKIES

PRIVATE = "private, no-store"
API_KEY_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response belongs to one person (or one system) only."""
    return (
        request.method not in ("GET", "HEAD")
        or any(name in request.COOKIES for name in PERSONAL_COOKIES)
        or any(request.META.get(header) for header in API_KEY_HEADERS)
        or csrf_token_used(request)
        or bool(response.cookies)
    )


def is_private(cache_control: str) -> bool:
    directives = {part.strip().split("=")[0].lower() for part in cache_control.split(",")}
    return {"private", "no-store"} <= directives


def csrf_token_used(request: HttpRequest) -> bool:
    """Whether the page carries a CSRF token (`get_token` ran; Django marks it so)."""
    return "CSRF_COOKIE_NEEDS_UPDATE" in request.META


def public_cache_control(max_age: int) -> str:
    return f"public, max-age={max_age}, stale-while-revalidate={max(FRESHNESS - max_age, 0)}"


class HttpCacheMiddleware:
    """First in MIDDLEWARE, so it sees the cookies and headers every other middleware added."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(settings.STATIC_URL):
            return response  # whitenoise's own (long, immutable) headers
        if is_personal(request, response):
            if not is_private(response.get("Cache-Control", "")):  # never_cache's header already is
                response["Cache-Control"] = PRIVATE
            return response
        max_age = getattr(response, "shared_max_age", None)
        if max_age is None or response.status_code != 200 or response.has_header("Cache-Control"):
            return response
        response["Cache-Control"] = public_cache_control(max_age)
        if not response.streaming and not response.has_header("ETag"):
            # Of the bytes sent: the gzip and the plain forms have different ETags, as they must.
            set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
