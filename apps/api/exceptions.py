"""One error shape for the whole API: `{"error": {"code", "message", "fields"}}`.

`fields` maps a request field (or query parameter) to its messages; it is `{}` when the
error is not about one field. Domain exceptions from services map to HTTP here, so views
stay free of try/except: IllegalTransition → 409, Django's ValidationError → 400 and
PermissionDenied → 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.appeals.workflow import IllegalTransition
from apps.common.filters import bilingual


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [msg for value in detail.values() for msg in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [msg for value in detail for msg in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(key): _flatten(value) for key, value in detail.items()}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return exc.messages


def exception_handler(exc: Exception, context: dict) -> Response | None:
    allowed_actions = None
    if isinstance(exc, IllegalTransition):
        allowed_actions = exc.allowed
        exc = Conflict(exc.message)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        english = getattr(exc, "english", "")  # the workflow's refusals (StepRefused) say it in both
        exc = exceptions.PermissionDenied(bilingual(str(exc), english) if english else str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(detail)
        non_field = fields.pop("non_field_errors", [])
        messages = non_field if isinstance(detail, dict) else _flatten(detail)
        if not messages:
            # Name the first few fields, so a log line alone says what was wrong.
            messages = [f"{name}: {' '.join(texts)}" for name, texts in list(fields.items())[:3]]
        message = " ".join(messages) or _("请求参数有误，请检查各字段。 / Invalid input, see fields.")
        code = "invalid"
        if non_field:
            fields["non_field_errors"] = non_field
    else:
        fields = {}
        message = " ".join(_flatten(detail))
        code = getattr(exc, "default_code", "error")
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        if isinstance(codes, str):
            code = codes
    response.data = error_body(code, message, fields)
    if allowed_actions is not None:
        response.data["error"]["allowed_actions"] = allowed_actions  # what the request's state does allow
    return response


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any unknown path under /api/: the same JSON error as DRF's 404, never an HTML page.

    This view matches every path, so Django's APPEND_SLASH never fires under /api/; it does
    the same itself: a GET for a known endpoint without its slash is redirected.
    """
    path = request.path_info
    if request.method in ("GET", "HEAD") and not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse(
        error_body("not_found", _("未找到。 / Not found.")), status=404, json_dumps_params={"ensure_ascii": False}
    )
