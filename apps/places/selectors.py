from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.common.cache import cached_value
from apps.places.models import Area, AreaLevel, Department


def subdistricts() -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.SUBDISTRICT).order_by("order", "id")


def subdistricts_with_communities() -> list[Area]:
    """The 街道 in order, each with its 社区 in order as `.communities`: the area lists residents
    choose from (request form, project and request filters). One query."""
    areas = list(
        Area.objects.filter(level__in=(AreaLevel.SUBDISTRICT, AreaLevel.COMMUNITY)).order_by("level", "order", "id")
    )
    communities: dict[int, list[Area]] = {}
    for area in areas:
        if area.level == AreaLevel.COMMUNITY:
            communities.setdefault(area.parent_id, []).append(area)
    subdistricts = [area for area in areas if area.level == AreaLevel.SUBDISTRICT]
    for subdistrict in subdistricts:
        subdistrict.communities = communities.get(subdistrict.pk, [])
    return subdistricts


def community_points() -> list[dict]:
    """The points a phone's position is matched against to find the nearest 社区: each 社区's own
    point and its 小区's, each naming the 社区 and its 街道. Public places only; one query."""
    rows = Area.objects.filter(
        level__in=(AreaLevel.COMMUNITY, AreaLevel.COMPOUND), latitude__isnull=False, longitude__isnull=False
    ).values_list("level", "pk", "parent_id", "subdistrict_id", "latitude", "longitude")
    return [
        {
            "community": pk if level == AreaLevel.COMMUNITY else parent_id,
            "subdistrict": subdistrict_id,
            "lat": float(latitude),
            "lng": float(longitude),
        }
        for level, pk, parent_id, subdistrict_id, latitude, longitude in rows
    ]


def area_subtree_q(area_id: int, prefix: str = "") -> Q:
    """An area and everything below it, without reading the area first: a 街道 matches its own
    subtree through `subdistrict`, a 社区 its 小区 through `parent`, the district through its 街道.
    `prefix` reaches the area through a relation, e.g. "areas__"."""
    return (
        Q(**{f"{prefix}pk": area_id})
        | Q(**{f"{prefix}parent_id": area_id})
        | Q(**{f"{prefix}subdistrict_id": area_id})
        | Q(**{f"{prefix}subdistrict__parent_id": area_id})
    )


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("order", "id")


SUBDISTRICT_SUFFIXES = ("街道", "镇", "乡", "办事处")


def subdistrict_label(name: str) -> str:
    """泰山 → 泰山街道; a name that already says what it is stays as it is. Addresses are data:
    always Chinese, whatever the language of the page."""
    return name if name.endswith(SUBDISTRICT_SUFFIXES) else f"{name}街道"


def area_subtree_ids(area_id: int) -> list[int]:
    """The ids of `area_subtree_q(area_id)` (a 社区: itself and its 小区): filtering requests by
    these values lets the planner read them by area index. Kept for a minute: areas seldom change."""

    def read() -> list[int]:
        return list(Area.objects.filter(area_subtree_q(area_id)).order_by("pk").values_list("pk", flat=True))

    return cached_value(f"area_subtree:{area_id}", read, fresh_for=60, depends=())
