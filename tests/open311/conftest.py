from __future__ import annotations

from decimal import Decimal

import pytest

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.places.models import AreaLevel
from apps.places.services import area_create
from tests import factories as f


@pytest.fixture
def places():
    """泰山街道 with two 社区 and a 小区, with codes and centres, like the real tree."""
    taishan = area_create(
        name="泰山街道",
        level=AreaLevel.SUBDISTRICT,
        parent=f.district(),
        code="320311010000",
        latitude=Decimal("34.240000"),
        longitude=Decimal("117.170000"),
    )
    community = area_create(
        name="泰山社区",
        level=AreaLevel.COMMUNITY,
        parent=taishan,
        code="320311010001",
        latitude=Decimal("34.250000"),
        longitude=Decimal("117.180000"),
    )
    kangju = area_create(
        name="康居社区",
        level=AreaLevel.COMMUNITY,
        parent=taishan,
        code="320311010002",
        latitude=Decimal("34.230000"),
        longitude=Decimal("117.160000"),
    )
    compound = area_create(name="矿山小区", level=AreaLevel.COMPOUND, parent=community)
    return {"subdistrict": taishan, "community": community, "kangju": kangju, "compound": compound}


@pytest.fixture
def submit_key() -> str:
    _api_key, raw = api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT)
    return raw
