from __future__ import annotations

from django.db.models import QuerySet

from apps.places.models import Area, AreaLevel, Department


def subdistricts() -> QuerySet[Area]:
    return Area.objects.filter(level=AreaLevel.SUBDISTRICT).order_by("order", "id")


def communities_of(subdistrict: Area) -> QuerySet[Area]:
    return Area.objects.filter(parent=subdistrict, level=AreaLevel.COMMUNITY).order_by("order", "id")


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("order", "id")
