"""Query-string filters of the list endpoints (django-filter). A bad value is a 400 with the
parameter named in `fields`, never a server error: numbers are range-checked, enums are choices."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from apps.appeals.models import Appeal, AppealKind, Status
from apps.appeals.selectors import in_area_q
from apps.places.models import Area, AreaLevel, Department, DepartmentKind
from apps.projects.models import Health, Project, ProjectStatus
from apps.projects.selectors import health_q, projects_in_area

MAX_ID = 2**63 - 1


def _bi(zh: str, en: str) -> str:
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
        kwargs.setdefault("help_text", _bi("六心板块代码，如 bianmin", "Programme code, e.g. bianmin"))
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


class AreaFilterSet(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(
        choices=AreaLevel.choices, coerce=int, help_text=_bi("层级：1 区、2 街道、3 社区、4 小区", "Level 1-4")
    )
    parent = IdFilter(field_name="parent_id", help_text=_bi("上级区域 id", "Parent area id"))
    subdistrict = IdFilter(
        method="filter_subdistrict", help_text=_bi("某街道及其下属区域", "A 街道 and every area under it")
    )

    class Meta:
        model = Area
        fields: list[str] = []

    def filter_subdistrict(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(subdistrict_id=value)


class DepartmentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, help_text=_bi("单位类型", "Department kind"))
    active = StrictBooleanFilter(field_name="is_active", help_text=_bi("是否在用", "Active only"))
    q = TextFilter(method="search", help_text=_bi("按名称或代码搜索", "Search name or code"))

    class Meta:
        model = Department
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))


class ProjectFilterSet(django_filters.FilterSet):
    programme = ProgrammeFilter()
    area = IdFilter(
        method="filter_area",
        help_text=_bi("区域 id：含其下属全部区域（街道含其社区、小区）", "Area id, including every area under it"),
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, help_text=_bi("项目状态", "Project status"))
    year = YearFilter(help_text=_bi("年度", "Year"))
    health = django_filters.ChoiceFilter(
        choices=Health.choices,
        method="filter_health",
        help_text=_bi("今天的红黄绿灯（对照序时进度）", "Schedule health today: red, yellow or green"),
    )
    lead_department = IdFilter(field_name="lead_department_id", help_text=_bi("牵头单位 id", "Lead department id"))
    parent = IdFilter(field_name="parent_id", help_text=_bi("上级项目 id（列出其子项目）", "Parent project id"))
    top_level = StrictBooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text=_bi("仅顶层项目（不含子项目）", "Top-level projects only")
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_bi("更新时间不早于（ISO 8601，含时区）", "Updated at or after (ISO 8601 with zone)"),
    )
    q = TextFilter(method="search", help_text=_bi("按项目名称或摘要搜索", "Search title and summary"))
    ordering = StableOrderingFilter(
        fields=["updated_at", "progress", "planned_finish", "planned_investment", "title", "year", "id"],
        help_text=_bi("排序字段，前加 - 为倒序；默认 -updated_at", "Sort field, - for descending; default -updated_at"),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_area(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return projects_in_area(queryset, value)

    def filter_health(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(health_q(value))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class AppealFilterSet(django_filters.FilterSet):
    """Filters on public columns only: nothing here may match a submitter's name, phone or address."""

    programme = ProgrammeFilter()
    area = IdFilter(
        method="filter_area",
        help_text=_bi("区域 id：含其下属全部区域（街道含其社区、小区）", "Area id, including every area under it"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text=_bi("办理状态，可重复", "Workflow status; repeat for several")
    )
    type = django_filters.ChoiceFilter(
        field_name="kind", choices=AppealKind.choices, help_text=_bi("诉求类型", "Request type")
    )
    department = IdFilter(field_name="department_id", help_text=_bi("承办单位 id", "Handling department id"))
    year = YearFilter(field_name="submitted_at", lookup_expr="year", help_text=_bi("提交年度", "Year submitted"))
    submitted_since = IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", help_text=_bi("提交时间不早于", "Submitted at or after")
    )
    submitted_before = IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="lt", help_text=_bi("提交时间早于", "Submitted before")
    )
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_bi("更新时间不早于（ISO 8601，含时区）", "Updated at or after (ISO 8601 with zone)"),
    )
    q = TextFilter(
        method="search",
        help_text=_bi(
            "按公开的标题或内容搜索（范围内的密钥按原文）",
            "Search the public title and content (keys in scope: the text as written)",
        ),
    )
    ordering = StableOrderingFilter(
        fields=["submitted_at", "updated_at", "id"],
        help_text=_bi("排序字段，前加 - 为倒序；默认 -submitted_at", "Sort field; default -submitted_at"),
    )

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_area(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        level = Area.objects.filter(pk=value).values_list("level", flat=True).first()
        return queryset.filter(in_area_q(value, level))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Only what the public reads: searching the text as written would let anyone recover a
        # masked phone number digit by digit from which queries match.
        return queryset.filter(Q(published_title__icontains=value) | Q(published_content__icontains=value))


class PrivateAppealFilterSet(AppealFilterSet):
    """For API keys whose scope covers the requests: `q` searches the text as written."""

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value))
