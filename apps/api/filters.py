"""Query-string filters of the list endpoints (django-filter). A bad value is a 400 with the
parameter named in `fields`, never a server error: numbers are range-checked, enums are choices."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from apps.appeals.models import Appeal, AppealKind, ReplyTemplate, Status, TemplateStep
from apps.appeals.selectors import in_area_q, published_text_search, template_fits_class_q, template_fits_kind_q
from apps.categories.filters import CategoryFilter
from apps.common.filters import (
    IdFilter,
    IsoDateTimeFilter,
    ProgrammeFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TextFilter,
    UpdatedSinceFilter,
    YearFilter,
    bilingual,
)
from apps.places.models import Area, AreaLevel, Department, DepartmentKind


class AreaFilterSet(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(
        choices=AreaLevel.choices, coerce=int, help_text=bilingual("层级：1 区、2 街道、3 社区、4 小区", "Level 1-4")
    )
    parent = IdFilter(field_name="parent_id", help_text=bilingual("上级区域 id", "Parent area id"))
    subdistrict = IdFilter(
        method="filter_subdistrict", help_text=bilingual("某街道及其下属区域", "A 街道 and every area under it")
    )

    class Meta:
        model = Area
        fields: list[str] = []

    def filter_subdistrict(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(subdistrict_id=value)


class DepartmentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=DepartmentKind.choices, help_text=bilingual("单位类型", "Department kind")
    )
    active = StrictBooleanFilter(field_name="is_active", help_text=bilingual("是否在用", "Active only"))
    q = TextFilter(method="search", help_text=bilingual("按名称或代码搜索", "Search name or code"))

    class Meta:
        model = Department
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value))


class AppealFilterSet(django_filters.FilterSet):
    """Filters on public columns only: nothing here may match a submitter's name, phone or address."""

    programme = ProgrammeFilter()
    area = IdFilter(
        method="filter_area",
        help_text=bilingual(
            "区域 id：含其下属全部区域（街道含其社区、小区）", "Area id, including every area under it"
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        # One column of the row itself: no join can repeat a row, so no SELECT DISTINCT (which
        # made the list's count compare every column of every matching row).
        distinct=False,
        help_text=bilingual("办理状态，可重复", "Workflow status; repeat for several"),
    )
    type = django_filters.ChoiceFilter(
        field_name="kind", choices=AppealKind.choices, help_text=bilingual("诉求类型", "Request type")
    )
    category = CategoryFilter(
        help_text=bilingual("问题分类代码（任一级，含其下级分类）", "Problem class code, any level, with subclasses")
    )
    department = IdFilter(field_name="department_id", help_text=bilingual("承办单位 id", "Handling department id"))
    year = YearFilter(field_name="submitted_at", lookup_expr="year", help_text=bilingual("提交年度", "Year submitted"))
    submitted_since = IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", help_text=bilingual("提交时间不早于", "Submitted at or after")
    )
    submitted_before = IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="lt", help_text=bilingual("提交时间早于", "Submitted before")
    )
    updated_since = UpdatedSinceFilter()
    q = TextFilter(
        method="search",
        help_text=bilingual(
            "按公开的标题或内容搜索（范围内的密钥按原文）；不足 3 个连续字的关键词只搜索最新公开的诉求",
            "Search the public title and content (keys in scope: the text as written); a word shorter than"
            " 3 characters in a row searches the newest published requests only",
        ),
    )
    ordering = StableOrderingFilter(
        fields=["submitted_at", "updated_at", "id"],
        help_text=bilingual("排序字段，前加 - 为倒序；默认 -submitted_at", "Sort field; default -submitted_at"),
    )

    class Meta:
        model = Appeal
        fields: list[str] = []

    def filter_area(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        level = Area.objects.filter(pk=value).values_list("level", flat=True).first()
        return queryset.filter(in_area_q(value, level))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Only what the public reads (and indexed on PostgreSQL): see published_text_search.
        return published_text_search(queryset, value)


class PrivateAppealFilterSet(AppealFilterSet):
    """For API keys whose scope covers the requests: `q` searches the text as written."""

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value))


class TemplateCategoryFilter(CategoryFilter):
    """A class code matching the templates for that class: its own, its parents' and the general ones."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.filter(template_fits_class_q(value)) if value else qs


class ReplyTemplateFilterSet(django_filters.FilterSet):
    """The templates a workflow form offers: by step, and fitting a request's class and type."""

    step = django_filters.ChoiceFilter(choices=TemplateStep.choices, help_text=bilingual("办理步骤", "Workflow step"))
    category = TemplateCategoryFilter(
        help_text=bilingual(
            "适用于该问题分类的模板：该分类、其上级分类和不限分类的模板",
            "Templates that fit this class: of the class, of a class above it, or of every class",
        ),
    )
    type = django_filters.ChoiceFilter(
        method="filter_type",
        choices=AppealKind.choices,
        help_text=bilingual("适用于该诉求类型的模板（含不限类型的）", "Templates that fit this request type"),
    )

    class Meta:
        model = ReplyTemplate
        fields: list[str] = []

    def filter_type(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(template_fits_kind_q(value))
