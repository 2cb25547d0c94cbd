"""Where a caller puts its key: `Authorization: Api-Key <key>` or `X-API-Key: <key>`.

The REST API reads only these headers; Open311 also takes the spec's `api_key` form field.
"""

from __future__ import annotations

from django.http import HttpRequest

KEYWORD = "Api-Key"


def raw_key_from_headers(request: HttpRequest) -> str | None:
    """The raw key a request carries in its headers, else None (not checked against the keys)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        keyword, _sep, value = header.strip().partition(" ")
        if keyword.lower() == KEYWORD.lower():
            return value.strip()
    return request.META.get("HTTP_X_API_KEY") or None
