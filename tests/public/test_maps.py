"""Maps: tiles from settings, and the location always in words too."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from apps.public.maps import OSM_DEFAULT, tile_layers
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_tile_url_and_attribution_come_from_settings(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 示例政务地图"
    project = f.project(latitude=Decimal("34.25"), longitude=Decimal("117.18"))
    body = client.get(f"/projects/{project.pk}/").content.decode()
    layers = json.loads(re.search(r'<script id="map-layers" type="application/json">(.*?)</script>', body).group(1))
    assert layers == [
        {"url": "https://tiles.example.gov.cn/{z}/{x}/{y}.png", "attribution": "© 示例政务地图", "subdomains": "abc"}
    ]


def test_a_tianditu_key_switches_to_tianditu_layers(settings):
    settings.MAP_TILE_URL = OSM_DEFAULT
    settings.TIANDITU_KEY = "k123"
    layers = tile_layers()
    assert [layer["url"].split("T=")[1].split("&")[0] for layer in layers] == ["vec_w", "cva_w"]
    assert all("tk=k123" in layer["url"] for layer in layers)


def test_an_explicit_tile_url_wins_over_the_tianditu_key(settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.TIANDITU_KEY = "k123"
    assert tile_layers()[0]["url"] == "https://tiles.example.gov.cn/{z}/{x}/{y}.png"


def test_the_location_is_in_words_so_the_page_is_whole_without_tiles(client):
    project = f.project(title="有坐标的项目", latitude=Decimal("34.254321"), longitude=Decimal("117.181234"))
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "北纬 34.254321，东经 117.181234" in body
    assert 'class="map"' in body and "hidden" in body  # the script shows the map only when it can


def test_a_project_without_a_point_has_no_map(client):
    project = f.project()
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "leaflet" not in body
