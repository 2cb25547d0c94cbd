"""Query-string filter types shared by the FilterSets of the public lists and the API: a bad
value is a form error (a 400 in the API, a reported and ignored filter on a page), never a
server error. Numbers are range-checked, text is bounded, times are clamped."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

# The largest id a database row can have (a signed 64-bit key): larger ids are refused, not looked up.
MAX_ID = 2**63 - 1


def bilingual(zh: str, en: str) -> str:
    """An API help text or error message in both languages (read by Chinese and foreign developers)."""
    return f"{zh} / {en}"


NO_NUL = "^[^\\u0000]*$"


@extend_schema_field({"type": "string", "maxLength": 50, "pattern": NO_NUL})
class TextFilter(django_filters.CharFilter):
    """Free text up to 50 characters (a NUL character is refused: PostgreSQL cannot store it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "maxLength": 20, "pattern": "^[-a-zA-Z0-9_]+$"})
class ProgrammeFilter(django_filters.CharFilter):
    """A programme code; an unknown code gives an empty list (like any other non-matching filter)."""

    field_class = forms.SlugField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "programme_id")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("strip", False)
        kwargs.setdefault("help_text", bilingual("六心板块代码，如 bianmin", "Programme code, e.g. bianmin"))
        super().__init__(*args, **kwargs)


class _ClampedIsoDateTimeField(IsoDateTimeField):
    EARLIEST = datetime(1900, 1, 1, tzinfo=dt_timezone.utc)
    LATEST = datetime(2200, 1, 1, tzinfo=dt_timezone.utc)

    def clean(self, value):
        parsed = super().clean(value)
        if parsed is None:
            return None
        try:
            parsed = parsed.astimezone(dt_timezone.utc)
        except OverflowError:
            return self.EARLIEST if parsed.year < 1900 else self.LATEST
        return min(max(parsed, self.EARLIEST), self.LATEST)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time with zone, in UTC before it reaches the database: PostgreSQL refuses odd
    offsets (+23:22) and both databases dates beyond their range, so times before 1900 or after
    2200 are clamped to those years (no data lies outside them, so the answer is the same)."""

    field_class = _ClampedIsoDateTimeField


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """`true` or `false`, nothing else (django-filter's BooleanFilter quietly ignores other values)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by the given fields, then by id, so pages never overlap; no valid field keeps the default order."""

    def filter(self, qs, value):
        fields = [self.get_ordering_value(param) for param in (value or []) if param]
        if not fields:
            return qs
        return qs.order_by(*fields, "id")


class UpdatedSinceFilter(IsoDateTimeFilter):
    """`updated_since`: rows changed at or after a time, for clients that keep a copy in sync."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text", bilingual("更新时间不早于（ISO 8601，含时区）", "Updated at or after (ISO 8601 with zone)")
        )
        super().__init__(*args, **kwargs)
