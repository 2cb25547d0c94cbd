"""GeoReport v2 paths under /open311/v2/: every document as `.json` and `.xml`."""

from __future__ import annotations

from django.urls import path, re_path, register_converter

from apps.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RequestIdConverter:
    regex = "[A-Za-z0-9_-]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")
register_converter(RequestIdConverter, "open311_request_id")

app_name = "open311"

urlpatterns = [
    path("", views.discovery, name="root"),
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<open311_format:fmt>", views.service_definition, name="service"),
    path("requests.<open311_format:fmt>", views.requests_endpoint, name="requests"),
    path("requests/<open311_request_id:request_id>.<open311_format:fmt>", views.request_detail, name="request"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.not_found, name="not_found"),
]
