"""A point on the map, for areas, projects and requests alike: both coordinates or neither."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f

pytestmark = pytest.mark.django_db

MAKERS = {"area": lambda: f.community(), "project": lambda: f.project(), "request": lambda: f.appeal()}


@pytest.mark.parametrize("kind", MAKERS)
def test_a_latitude_without_a_longitude_is_refused_beside_the_longitude(kind):
    obj = MAKERS[kind]()
    obj.latitude, obj.longitude = Decimal("34.25"), None
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert refused.value.message_dict["longitude"] == ["经纬度需同时填写。"]
    assert not obj.has_point


@pytest.mark.parametrize("kind", MAKERS)
def test_both_coordinates_make_a_point(kind):
    obj = MAKERS[kind]()
    obj.latitude, obj.longitude = Decimal("34.25"), Decimal("117.18")
    try:
        obj.full_clean()
    except ValidationError as other:  # whatever else the row lacks, the point is fine
        assert "longitude" not in other.message_dict
    assert obj.has_point
