"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Views only parse, call selectors/services and render. Every failure a client can cause is
answered in the spec's error format (`[{"code": 400, "description": "..."}]`, or
`<errors><error>…`), with the HTTP status equal to the code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.apikeys.authentication import raw_key_from_headers
from apps.apikeys.services import api_key_authenticate
from apps.apikeys.throttling import ApiKeyRateThrottle, IpRateThrottle
from apps.common.cache import REQUESTS, cached_page
from apps.open311 import selectors, serializers
from apps.open311.forms import RequestCreateForm, RequestsQueryForm, form_errors
from apps.open311.renderers import render
from apps.open311.services import LocationError, open311_request_create


class Open311Error(Exception):
    def __init__(self, code: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.code = code
        self.descriptions = list(descriptions)


class Throttled(Exception):
    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = wait


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
    return list(exc.messages)


def error_response(fmt: str, code: int, descriptions: list[str]) -> HttpResponse:
    return render(fmt, "errors", serializers.error_items(code, descriptions), status=code)


def check_throttle(request: HttpRequest, api_key=None) -> None:
    """The REST API's limits, sharing its counters: one budget per key, else per IP address."""
    request.auth = api_key  # what the REST API's throttles read
    for throttle in (ApiKeyRateThrottle(), IpRateThrottle()):
        if not throttle.allow_request(request, None):
            raise Throttled(throttle.wait() or 1)


def throttled_response(fmt: str, wait: float) -> HttpResponse:
    seconds = max(1, math.ceil(wait))
    response = error_response(fmt, 429, [_("请求过于频繁，请 %(seconds)s 秒后再试。") % {"seconds": seconds}])
    response["Retry-After"] = str(seconds)
    return response


def open311_view(*methods: str) -> Callable:
    """Allow `methods`, answer errors in the spec's format, and open GET responses to any origin.

    Responses are in Chinese whatever the client's Accept-Language: Open311 documents are data
    exchanged between systems (service names, addresses), and must not change with the caller.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str | None = None, **kwargs) -> HttpResponse:
            with translation.override(settings.LANGUAGE_CODE):
                response = _answer(request, *args, fmt=fmt, **kwargs)
            response["Content-Language"] = settings.LANGUAGE_CODE
            return response

        def _answer(request: HttpRequest, *args, fmt: str | None = None, **kwargs) -> HttpResponse:
            fmt = fmt or ("xml" if request.path.endswith(".xml") else "json")
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                message = _("不支持 %(method)s 方法，请使用 %(allowed)s。") % {
                    "method": request.method,
                    "allowed": "、".join(methods),
                }
                response = error_response(fmt, 405, [message])
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if request.method != "POST":
                    check_throttle(request)
                response = view(request, *args, fmt=fmt, **kwargs)
            except Throttled as exc:
                return throttled_response(fmt, exc.wait)
            except Open311Error as exc:
                return error_response(fmt, exc.code, exc.descriptions)
            except ValidationError as exc:
                return error_response(fmt, 400, _validation_messages(exc))
            if request.method in ("GET", "HEAD"):
                # Published data only: civic web tools may read it from their own pages.
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return csrf_exempt(wrapper)

    return decorate


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311:root"))
    return render(fmt, "discovery", serializers.discovery(endpoint_url=url))


@open311_view("GET")
@cached_page(depends=(REQUESTS,))  # services are programmes, which bump every version
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    services = [serializers.service_item(service) for service in selectors.service_list()]
    return render(fmt, "services", services)


def _service_or_404(code: str) -> selectors.Service:
    service = selectors.service_get(code)
    if service is None:
        message = _("service_code: 未知的服务代码 %(code)s，可用代码见 services.json。") % {"code": code[:60]}
        raise Open311Error(404, message)
    return service


@open311_view("GET")
@cached_page(depends=(REQUESTS,))
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    service = _service_or_404(code)
    document = serializers.service_definition(service, areas=selectors.area_choices())
    return render(fmt, "service_definition", document)


@open311_view("GET", "POST")
# GET only: public data, at most 60 s behind (see apps.common.cache)
@cached_page(depends=(REQUESTS,), params=(RequestsQueryForm,))
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    form = RequestsQueryForm(request.GET)
    if not form.is_valid():
        raise Open311Error(400, *form_errors(form))
    query = form.cleaned_data
    if query["service_request_id"] is not None:
        rows = selectors.published_request_rows(tracking_nos=query["service_request_id"])
    else:
        service = _service_or_404(query["service_code"]) if query["service_code"] else None
        window = selectors.request_window(start=query["start_date"], end=query["end_date"], now=timezone.now())
        if window is None:
            raise Open311Error(400, _("start_date/end_date: 结束时间须晚于开始时间，且相隔不超过90天。"))
        size, page = query["page_size"], query["page"]
        offset, limit = selectors.page_slice(page, size)
        rows = selectors.published_request_rows(
            service=service,
            start=window[0],
            end=window[1],
            statuses=query["status"],
            limit=limit,
            offset=offset,
        )
        response = _render_requests(fmt, rows)
        if selectors.has_next_page(page, size, len(rows)):
            following = request.GET.copy()
            following["page"], following["page_size"] = str(page + 1), str(size)
            response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
        return response
    return _render_requests(fmt, rows)


def _render_requests(fmt: str, rows: list[dict]) -> HttpResponse:
    places = selectors.public_places(row["area_id"] for row in rows)
    return render(fmt, "service_requests", serializers.request_items(rows, places))


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    if "api_key" in request.GET:
        # A URL ends up in proxies' and servers' access logs: a key sent there is a leaked key.
        check_throttle(request)
        raise Open311Error(
            400,
            _(
                "api_key: 请勿把 api_key 放在网址里（网址会被代理和服务器日志记录，"
                "此密钥应视为已泄露，请吊销后重新申请）；请作为表单字段 api_key 提交，"
                "或放在请求头 X-API-Key 或 Authorization: Api-Key <密钥> 中。"
            ),
        )
    raw_key = request.POST.get("api_key") or raw_key_from_headers(request)
    if not raw_key:
        check_throttle(request)
        raise Open311Error(403, _("api_key: 提交诉求须提供 api_key。"))
    # A NUL byte cannot reach PostgreSQL; such a key is simply not valid.
    api_key = None if "\x00" in raw_key else api_key_authenticate(raw_key)
    check_throttle(request, api_key)
    if api_key is None:
        raise Open311Error(403, _("api_key: 密钥无效或已被吊销。"))
    if not api_key.can_submit:
        raise Open311Error(403, _("api_key: 该密钥没有“提交诉求”权限。"))
    code = (request.POST.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code: 请提供服务代码，可用代码见 services.json。"))
    service = _service_or_404(code)
    form = RequestCreateForm(request.POST)
    if not form.is_valid():
        raise Open311Error(400, *form_errors(form))
    try:
        appeal = open311_request_create(api_key=api_key, service=service, data=form.cleaned_data)
    except LocationError as exc:
        raise Open311Error(400, str(exc)) from exc
    document = [serializers.created_item(tracking_no=appeal.tracking_no, kind=appeal.kind)]
    return render(fmt, "service_requests", document)


@open311_view("GET")
@cached_page(depends=(REQUESTS,))
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    row = selectors.published_request_row(request_id)
    if row is None:
        raise Open311Error(404, _("service_request_id: 未找到已公开的诉求 %(id)s。") % {"id": request_id[:30]})
    return _render_requests(fmt, [row])


@open311_view("GET", "POST")
def not_found(request: HttpRequest, rest: str, fmt: str) -> HttpResponse:
    raise Open311Error(404, _("没有这个 Open311 接口；请从 discovery.json 开始。"))
