"""Shared builders for the residents' request page tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.places.models import Area
from tests import factories as f


def areas() -> tuple[Area, Area, Area, Area]:
    """Two 街道 with one 社区 each: (泰山街道, 泰山社区, 奎山街道, 奎园社区)."""
    taishan = f.subdistrict("泰山街道")
    kuishan = f.subdistrict("奎山街道")
    return taishan, f.community("泰山社区", parent=taishan), kuishan, f.community("奎园社区", parent=kuishan)


def form_data(subdistrict: Area, community: Area | None = None, **overrides) -> dict:
    data = {
        "kind": "help",
        "programme": "bianmin",
        "subdistrict": str(subdistrict.pk),
        "community": str(community.pk) if community else "",
        "location_text": "3号楼2单元门口",
        "title": "楼道灯坏了",
        "content": "3号楼2单元楼道灯坏了一个月，晚上老人上下楼不方便。",
        "submitter_name": "王秀英",
        "submitter_phone": "13912345678",
        "website": "",
    }
    data.update(overrides)
    return data


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
