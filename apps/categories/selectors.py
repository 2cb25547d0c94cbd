"""Reads of the problem classification: lists for forms and filters, and the condition that
matches a class with everything under it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.categories.models import CategoryLevel, ProblemCategory
from apps.common.i18n import localized

SEPARATOR = " › "


def categories(*, active_only: bool = True) -> list[ProblemCategory]:
    """Every class in code order (a parent before its children): one query."""
    queryset = ProblemCategory.objects.order_by("code")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return list(queryset.only("id", "code", "name", "name_en", "level", "parent_id", "order", "is_active"))


def first_level_categories(*, active_only: bool = True) -> QuerySet[ProblemCategory]:
    queryset = ProblemCategory.objects.filter(level=CategoryLevel.FIRST).order_by("order", "code")
    return queryset.filter(is_active=True) if active_only else queryset


def category_paths(items: list[ProblemCategory]) -> dict[str, str]:
    """Each class's full name (城乡建设 › 住房物业 › 电梯故障) by code, from a list that holds
    its parents (as `categories` returns)."""
    names = {c.code: localized(c, "name") for c in items}
    return {c.code: SEPARATOR.join(names.get(c.code[:end], "") for end in range(2, len(c.code) + 1, 2)) for c in items}


def category_choices(*, active_only: bool = True) -> list[tuple[str, list[tuple[str, str]]]]:
    """(code, full name) grouped by first-level class, for a <select> with <optgroup>s."""
    items = categories(active_only=active_only)
    paths = category_paths(items)
    groups: dict[str, list[tuple[str, str]]] = {}
    first_names: dict[str, str] = {}
    for item in items:
        if item.level == CategoryLevel.FIRST:
            first_names[item.code] = localized(item, "name")
        groups.setdefault(item.first_code, []).append((item.code, paths[item.code]))
    return [(first_names.get(code, code), options) for code, options in groups.items() if code in first_names]


def category_by_code(code: str, *, active_only: bool = False) -> ProblemCategory | None:
    code = (code or "").strip()
    if not code or not code.isascii() or not code.isdigit() or len(code) > 6:
        return None
    queryset = ProblemCategory.objects.filter(code=code)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.first()


def in_category_q(code: str, *, field: str = "category") -> Q:
    """Rows classed under `code` at any depth (a first-level code matches its second and third
    levels): the classes' ids as a subquery on the small classification table, so the rows'
    own index on the class is used."""
    subtree = ProblemCategory.objects.filter(code__startswith=code).values("pk")
    return Q(**{f"{field}__in": subtree})


def category_path(category: ProblemCategory | None) -> str:
    """One class's full name (城乡建设 › 住房物业 › 电梯故障): one query for its ancestors."""
    if category is None:
        return ""
    code = category.code
    prefixes = [code[:end] for end in range(2, len(code), 2)]
    ancestors = dict(ProblemCategory.objects.filter(code__in=prefixes).values_list("code", "name")) if prefixes else {}
    return SEPARATOR.join([*(ancestors.get(prefix, "") for prefix in prefixes), category.name])
