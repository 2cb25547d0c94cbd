"""The points behind "use my location": public area coordinates only, one query, cacheable."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.places.models import Area, AreaLevel
from apps.places.services import area_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_points_name_each_community_and_its_subdistrict_and_nothing_else(client, django_assert_max_num_queries):
    taishan = f.subdistrict("泰山街道")
    kangju = f.community("康居社区", parent=taishan)
    f.community("文昌社区", parent=taishan)  # no point: left out
    area_create(
        name="康居小区", level=AreaLevel.COMPOUND, parent=kangju, latitude=Decimal("34.25"), longitude=Decimal("117.18")
    )
    Area.objects.filter(pk=kangju.pk).update(latitude=Decimal("34.26"), longitude=Decimal("117.17"))
    f.appeal(area=kangju, submitter_name="赵铁柱", submitter_phone="13800001234")
    with django_assert_max_num_queries(3):
        response = client.get("/my-area/points.json")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    points = response.json()["points"]
    assert sorted(points, key=lambda p: p["lat"]) == [
        {"community": kangju.pk, "subdistrict": taishan.pk, "lat": 34.25, "lng": 117.18},
        {"community": kangju.pk, "subdistrict": taishan.pk, "lat": 34.26, "lng": 117.17},
    ]
    body = response.content.decode()
    assert "赵" not in body and "1380000" not in body


def test_the_query_count_does_not_grow_with_the_areas(client, django_assert_max_num_queries):
    taishan = f.subdistrict("泰山街道")
    for i in range(30):
        community = f.community(f"社区{i}", parent=taishan)
        Area.objects.filter(pk=community.pk).update(latitude=Decimal("34.2"), longitude=Decimal("117.1"))
    with django_assert_max_num_queries(3):
        assert len(client.get("/my-area/points.json").json()["points"]) == 30


def test_the_home_page_offers_the_button_only_to_javascript(client):
    f.subdistrict("泰山街道")
    body = client.get("/").content.decode()
    assert '<div class="locate" data-locate hidden' in body
    assert "js/locate.js" in body
