"""Error answers for the whole site, each part in its own format.

The residents' site gets its own pages (Chinese, English by the visitor's language, no
JavaScript, no database work: they must render while the database is down); the REST API its
JSON error (`apps.api.exceptions.error_body`); Open311 the spec's error list, in JSON or XML by
the URL's extension. Django's handlers (404, 500, ...) and the two middlewares below all answer
through `error_response`.
"""

from __future__ import annotations

import sys
from urllib.parse import unquote

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from apps.public.display import prefs_from_request

# Seconds a client is asked to wait when the database cannot be reached.
DATABASE_RETRY_AFTER = 30

CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    413: "request_too_large",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}


def _titles() -> dict[int, str]:
    return {
        400: _("请求有误"),
        403: _("没有权限"),
        404: _("找不到这个页面"),
        413: _("提交的内容太大"),
        429: _("操作太频繁"),
        500: _("网站出了点问题"),
        503: _("网站暂时无法使用"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("请求的内容有误，请返回上一页检查后重试。"),
        403: _("您没有查看这个页面的权限。"),
        404: _("您要找的页面不存在或已被移除，请检查网址，或从首页重新进入。"),
        413: _("提交的内容超过 %(mb)s MB，请减少或缩小照片后重新提交。")
        % {"mb": settings.REQUEST_MAX_BODY_BYTES // (1024 * 1024)},
        429: _("操作太频繁，请稍后再试。"),
        500: _("服务器处理时出错，我们会尽快修复。请稍后再试；急事请拨打 12345 热线。"),
        503: _("系统正在维护或暂时繁忙，请过几分钟再试；急事请拨打 12345 热线。"),
    }


def _part(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/open311/"):
        return "open311"
    return "site"


def error_response(request: HttpRequest, status: int, message: str | None = None) -> HttpResponse:
    """`status` with a message, in the format of the part of the site the request is for."""
    part = _part(request)
    if part == "open311":
        from apps.open311.views import error_response as open311_error

        with translation.override(settings.LANGUAGE_CODE):  # Open311 documents are always Chinese
            text = message or _messages()[status]
            return open311_error("xml" if request.path_info.endswith(".xml") else "json", status, [text])
    if part == "api":
        from apps.api.exceptions import error_body

        with translation.override(settings.LANGUAGE_CODE):
            chinese = message or _messages()[status]
        with translation.override("en"):
            english = _messages()[status]
        text = message or f"{chinese} / {english}"
        body = error_body(CODES.get(status, "error"), text)
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    with translation.override(translation.get_language_from_request(request)):
        context = {
            "status": status,
            "title": _titles()[status],
            "message": message or _messages()[status],
            "language": translation.get_language(),
            # Large text and high contrast come from cookies only: no database or session.
            "display_classes": prefs_from_request(request).css_classes,
        }
        # No request, so no context processors: nothing here may touch the database or session.
        html = render_to_string("errors/error.html", context)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def database_unreachable(exc: BaseException | None) -> bool:
    """True when `exc` says the database could not be reached (not a bad query or a lock)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    raw = connection.connection
    # No connection: connecting failed. A psycopg connection that is `closed`: it was lost.
    return raw is None or bool(getattr(raw, "closed", False))


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    response = error_response(request, 503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


# --- Django's handlers (quanshan.urls) ---------------------------------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the exception is being handled: a database that went away in a middleware
    # (sessions, authentication) is a 503 here, as in DatabaseUnavailableMiddleware for views.
    if database_unreachable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return error_response(request, 500)


# --- middleware ------------------------------------------------------------------------------


class RequestLimitsMiddleware:
    """Refuse, before anything reads them, a body larger than REQUEST_MAX_BODY_BYTES (413, by its
    Content-Length) and a NUL byte in the back office's query string (400).

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves uploaded files out, and they are streamed to
    disk as soon as anything reads request.POST. The admin passes its filter and search
    parameters straight into queries, where PostgreSQL refuses a NUL byte with an error (the
    public site and the interfaces read their parameters through forms, which refuse it).
    Place it first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > settings.REQUEST_MAX_BODY_BYTES:
            return error_response(request, 413)
        if request.path_info.startswith("/admin/") and "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return error_response(request, 400, _("网址中含有不允许的字符（NUL），请检查筛选和搜索条件。"))
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, in its part's format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_unreachable(exception):
            return database_unavailable_response(request)
        return None
