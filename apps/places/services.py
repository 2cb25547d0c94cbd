from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from apps.places.models import Area, AreaLevel


@transaction.atomic
def area_save(*, area: Area) -> Area:
    """Validate and save an area, keeping its `subdistrict` (and its descendants') right."""
    area.full_clean(exclude=["subdistrict"])
    if area.pk is None:
        area.save()
    area.subdistrict = area.derive_subdistrict()
    area.save()
    for child in area.children.all():
        area_save(area=child)
    return area


def area_create(
    *,
    name: str,
    level: AreaLevel | int,
    parent: Area | None = None,
    code: str | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    order: int = 0,
) -> Area:
    area = Area(name=name, level=level, parent=parent, code=code, latitude=latitude, longitude=longitude, order=order)
    return area_save(area=area)
