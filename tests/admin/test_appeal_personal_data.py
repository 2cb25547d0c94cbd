"""Officials work with residents' personal data as plain text while the database holds it
encrypted: finding a request by phone (blind index), its page, its history and the export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.appeals.services import appeal_correct
from tests import factories as f
from tests.admin.conftest import export_file
from tests.admin.test_appeal_admin import result_pks

pytestmark = pytest.mark.django_db


def test_an_official_finds_a_request_by_its_phone_number_however_it_is_typed(as_official, district_official):
    lamp = f.appeal(title="路灯不亮", submitter_phone="139-1234-5678")
    f.appeal(title="楼道漏水", submitter_phone="13800002222")
    client = as_official(district_official)
    for typed in ("13912345678", "139 1234 5678", "+86 139-1234-5678"):
        assert result_pks(client, "?q=" + typed.replace("+", "%2B")) == {lamp.pk}, typed
    # Only a whole number: the database holds no digits to match a fragment against.
    assert result_pks(client, "?q=1391234") == set()


def test_the_phone_search_stays_within_the_officials_scope(as_official, kuishan_official, kuishan, taishan):
    mine = f.appeal(area=f.community(parent=kuishan), submitter_phone="13912345678")
    f.appeal(area=f.community(parent=taishan), submitter_phone="13912345678")
    assert result_pks(as_official(kuishan_official), "?q=13912345678") == {mine.pk}


def test_the_request_page_and_the_export_show_the_plain_values(as_official, district_official):
    appeal = f.appeal(
        submitter_name="李桂兰",
        submitter_phone="13655556666",
        submitter_contact="微信 liguilan58",
        location_text="和平小区5号楼",
        latitude=Decimal("34.261234"),
        longitude=Decimal("117.184321"),
    )
    client = as_official(district_official)
    page = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    for value in ("李桂兰", "13655556666", "微信 liguilan58", "和平小区5号楼", "34.261234", "117.184321"):
        assert value in page, value
    body = export_file(client, "appeals_appeal", "csv").content.decode("utf-8-sig")
    assert "13655556666" in body and "李桂兰" in body and "和平小区5号楼" in body


def test_the_change_history_shows_the_place_as_it_was(as_official, district_official):
    appeal = f.appeal(location_text="和平小区5号楼")
    appeal.location_text = "和平小区6号楼东侧"
    appeal_correct(appeal=appeal, by=district_official)
    first = appeal.history.order_by("history_id").first()
    client = as_official(district_official)
    url = reverse("admin:appeals_appeal_simple_history", args=[appeal.pk, first.history_id])
    page = client.get(url).content.decode()
    assert "和平小区5号楼" in page
