"""Which map tiles the public maps load (settings decide; pages work without any).

OpenStreetMap-style `MAP_TILE_URL` by default. With `TIANDITU_KEY` set (and no other
`MAP_TILE_URL` chosen), 天地图's vector map plus its Chinese labels layer: its CGCS2000
coordinates match our WGS-84 points to well within a map pixel, so no shifting is needed.
"""

from __future__ import annotations

from django.conf import settings

OSM_DEFAULT = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TIANDITU = "https://t{s}.tianditu.gov.cn/DataServer?T=%s&x={x}&y={y}&l={z}&tk=%s"
TIANDITU_ATTRIBUTION = "© 天地图 国家地理信息公共服务平台"


def tile_layers() -> list[dict]:
    """Leaflet tile layers, bottom first: [{"url", "attribution", "subdomains"}]."""
    key = settings.TIANDITU_KEY
    if key and settings.MAP_TILE_URL == OSM_DEFAULT:
        return [
            {"url": TIANDITU % ("vec_w", key), "attribution": TIANDITU_ATTRIBUTION, "subdomains": "01234567"},
            {"url": TIANDITU % ("cva_w", key), "attribution": "", "subdomains": "01234567"},
        ]
    return [{"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION, "subdomains": "abc"}]
