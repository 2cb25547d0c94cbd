"""JSON and XML bodies for Open311 documents, UTF-8, with the spec's element names.

XML follows the spec's examples: a list is an element named after the list whose children
are named after one item (`<services><service>…`), booleans are `true`/`false`, and a missing
value is an empty element.
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# Characters XML 1.0 cannot carry even escaped (C0 controls other than tab, newline, return).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _write(parts: list[str], tag: str, value) -> None:
    # Plain string building: several times faster than ElementTree for a 1,000-request list.
    # Tags are our own field names; only text needs escaping.
    if isinstance(value, dict):
        parts.append(f"<{tag}>")
        for key, child in value.items():
            _write(parts, key, child)
        parts.append(f"</{tag}>")
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[tag]
        parts.append(f"<{tag}>")
        for child in value:
            _write(parts, item_tag, child)
        parts.append(f"</{tag}>")
    else:
        text = _text(value)
        parts.append(f"<{tag}>{escape(text)}</{tag}>" if text else f"<{tag} />")


def to_xml(root: str, document) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(parts, root, document)
    return "".join(parts).encode("utf-8")


def to_json(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(fmt: str, root: str, document, *, status: int = 200) -> HttpResponse:
    """`root` names the XML root element (`services`, `service_requests`, ...); JSON ignores it."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, document), content_type=XML_TYPE, status=status)
    return HttpResponse(to_json(document), content_type=JSON_TYPE, status=status)
