from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N&page_size=M`: 20 by default; page sizes above the maximum are capped, not refused."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    page_size_query_description = (
        f"每页条数，默认 20，最大 {settings.API_MAX_PAGE_SIZE}（更大的值按最大值处理）。 / "
        f"Results per page, default 20; values above {settings.API_MAX_PAGE_SIZE} are capped to it."
    )
    page_query_description = "页码，从 1 开始；超出范围返回 404。 / Page number from 1; out of range gives 404."
