"""A phone or ID number a resident types into a request is starred wherever the public reads it:
public site, REST API, its exports and Open311. Officials' keys read the text as written."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.appeals.services import appeal_resolve, appeal_set_publication
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13987654321"
LANDLINE = "0516-83801234"


@pytest.fixture
def published():
    official = f.official()
    appeal = f.appeal_in(
        "in_progress", title=f"电话{PHONE}打不通", content=f"请回电 {PHONE}，或打座机 {LANDLINE}。2026年11月3日起漏水。"
    )
    appeal_resolve(appeal=appeal, reply=f"已联系 {PHONE} 并维修。", by=official, proxy_reason="代为办结")
    appeal_set_publication(appeal=appeal, approved=True, by=official)
    return appeal


def test_the_public_never_reads_a_typed_number(api, published):
    site = Client()
    bodies = {
        "/requests/": site.get("/requests/"),
        f"/areas/{published.subdistrict_id}/": site.get(f"/areas/{published.subdistrict_id}/"),
        "/api/v1/requests/": api.get("/api/v1/requests/"),
        "detail": api.get(f"/api/v1/requests/{published.pk}/"),
        "export.csv": api.get("/api/v1/requests/export.csv"),
        "open311": site.get(f"/open311/v2/requests/{published.tracking_no}.json"),
    }
    for where, response in bodies.items():
        assert response.status_code == 200, where
        body = response.content.decode("utf-8-sig")
        assert "打不通" in body or "漏水" in body, where  # the request is there…
        for number in (PHONE, "83801234"):
            assert number not in body, (where, number)  # …its numbers are not
    assert "2026年11月3日起漏水" in bodies["detail"].json()["content"]  # dates are not phone numbers


def test_an_officials_key_reads_the_text_as_written(private_client, published):
    data = private_client.get(f"/api/v1/requests/{published.pk}/").json()
    assert PHONE in data["content"] and PHONE in data["public_reply"]
