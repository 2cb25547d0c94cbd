from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`: settings.PAGE_SIZE by default; page sizes above the maximum are capped, not refused.

    A page_size that is not a whole number from 1 up is a 400 (DRF would quietly use 20).
    """

    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    page_size_query_description = (
        f"每页条数，默认 {settings.PAGE_SIZE}，最大 {settings.API_MAX_PAGE_SIZE}（更大的值按最大值处理）。 / "
        f"Results per page, default {settings.PAGE_SIZE}; values above {settings.API_MAX_PAGE_SIZE} are capped to it."
    )
    page_query_description = "页码，从 1 开始；超出范围返回 404。 / Page number from 1; out of range gives 404."

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: ["请填写不小于 1 的整数。 / A whole number from 1 up."]})
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request, paginator) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({self.page_query_param: ["请填写不小于 1 的整数。 / A whole number from 1 up."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
