from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from apps.common.paging import list_paginator


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`: settings.PAGE_SIZE by default; page sizes above the maximum are capped, not refused.

    A page_size that is not a whole number from 1 up is a 400 (DRF would quietly use 20).
    Pages reach the first settings.LIST_MAX_ROWS rows and counting stops there, so every page
    costs what page 1 costs (apps.common.paging): beyond it `count` is the database's estimate
    and `count_exact` is false; older rows are reached with `submitted_before`, `year` or
    `updated_since`. The response keeps DRF's shape (`count`, `next`, `previous`, `results`).
    """

    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    page_size_query_description = (
        f"每页条数，默认 {settings.PAGE_SIZE}，最大 {settings.API_MAX_PAGE_SIZE}（更大的值按最大值处理）。 / "
        f"Results per page, default {settings.PAGE_SIZE}; values above {settings.API_MAX_PAGE_SIZE} are capped to it."
    )
    page_query_description = (
        f"页码，从 1 开始；只能翻到前 {settings.LIST_MAX_ROWS} 条以内，超出范围返回 404（更早的诉求请用"
        f" submitted_before 或 year 筛选）。 / Page number from 1, within the first {settings.LIST_MAX_ROWS} rows;"
        " out of range gives 404 (reach older rows with submitted_before or year)."
    )

    # The whole public list, newest first, whose newest rows bound counts (apps.common.paging);
    # None: counted in full (up to the cap).
    count_window: Callable[[], QuerySet] | None = None

    def django_paginator_class(self, queryset, page_size: int):
        # An API key's private list changes without a data version: its count is not shared.
        public = getattr(self.request, "auth", None) is None
        window = self.count_window() if public and self.count_window is not None else None
        searched = bool(public and window is not None and self.request.query_params.get("q", "").strip())
        return list_paginator(queryset, page_size, public=public, window=window, searched=searched)

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.estimate or paginator.count,
                "count_exact": not (paginator.capped or paginator.approximate),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"]["description"] = (
            f"{settings.LIST_MAX_ROWS} 条以内为准确数，超过时为数据库的估计数；公开诉求列表只数最新的 "
            f"{settings.LIST_COUNT_WINDOW} 条公开诉求，更多时按比例估计（count_exact 为 false）。 / Exact up to "
            f"{settings.LIST_MAX_ROWS}; beyond, the database's estimate. The public request list counts among "
            f"the newest {settings.LIST_COUNT_WINDOW} published requests and scales beyond (count_exact false)."
        )
        paginated["properties"] = {
            "count": paginated["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "count 是否为准确数 / Whether count is exact",
                "example": True,
            },
            **{k: v for k, v in paginated["properties"].items() if k != "count"},
        }
        return paginated

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
