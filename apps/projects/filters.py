"""The project list's query string: one FilterSet for `/projects/` and `/api/v1/projects/`.

The API takes any value of the right shape (an unknown programme code or area id finds
nothing). A page's filter form offers lists instead (`FilterOffer`): there a programme or area
that is not on them is reported beside the field and ignored, like any other bad value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.common.filters import (
    IdFilter,
    ProgrammeFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TextFilter,
    UpdatedSinceFilter,
    YearFilter,
    bilingual,
)
from apps.projects.models import Health, Project, ProjectStatus
from apps.projects.selectors import health_q, projects_in_area


@dataclass(frozen=True)
class FilterOffer:
    """What a filter form lists: programmes as (code, label), areas as (id, name)."""

    programmes: Sequence[tuple[str, str]]
    areas: Sequence[tuple[int, str]]


class ProjectFilterSet(django_filters.FilterSet):
    programme = ProgrammeFilter(label=_("六心板块"))
    area = IdFilter(
        label=_("街道 / 社区"),
        method="filter_area",
        help_text=bilingual(
            "区域 id：含其下属全部区域（街道含其社区、小区）", "Area id, including every area under it"
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=ProjectStatus.choices,
        empty_label=_("全部状态"),
        help_text=bilingual("项目状态", "Project status"),
    )
    year = YearFilter(label=_("年度"), help_text=bilingual("年度", "Year"))
    health = django_filters.ChoiceFilter(
        label=_("红黄绿灯"),
        choices=Health.choices,
        empty_label=_("全部"),
        method="filter_health",
        help_text=bilingual("今天的红黄绿灯（对照序时进度）", "Schedule health today: red, yellow or green"),
    )
    lead_department = IdFilter(
        field_name="lead_department_id", help_text=bilingual("牵头单位 id", "Lead department id")
    )
    parent = IdFilter(field_name="parent_id", help_text=bilingual("上级项目 id（列出其子项目）", "Parent project id"))
    top_level = StrictBooleanFilter(
        field_name="parent",
        lookup_expr="isnull",
        help_text=bilingual("仅顶层项目（不含子项目）", "Top-level projects only"),
    )
    updated_since = UpdatedSinceFilter()
    q = TextFilter(
        label=_("关键词"), method="search", help_text=bilingual("按项目名称或摘要搜索", "Search title and summary")
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=["updated_at", "progress", "planned_finish", "planned_investment", "title", "year", "id"],
        help_text=bilingual(
            "排序字段，前加 - 为倒序；默认 -updated_at", "Sort field, - for descending; default -updated_at"
        ),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, offer: FilterOffer | None = None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if offer is not None:
            self._take_only(offer)

    def _take_only(self, offer: FilterOffer) -> None:
        self.filters["programme"] = django_filters.ChoiceFilter(
            label=_("六心板块"), field_name="programme_id", choices=offer.programmes, empty_label=_("全部板块")
        )
        self.filters["area"] = django_filters.TypedChoiceFilter(
            label=_("街道 / 社区"),
            method="filter_area",
            coerce=int,
            choices=[("", _("全部街道和社区")), *offer.areas],
            error_messages={"invalid_choice": _("没有这个街道或社区。")},
        )
        for name in ("programme", "area"):
            self.filters[name].model = self.queryset.model
            self.filters[name].parent = self

    def filter_area(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return projects_in_area(queryset, value)

    def filter_health(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(health_q(value))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))
