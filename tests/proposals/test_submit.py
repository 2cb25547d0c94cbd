"""Residents propose a 民生实事 on /proposals/new/: a number, private contact, rate limit."""

from __future__ import annotations

import pytest

from apps.proposals.models import Proposal, ProposalStatus, Source
from apps.public import ratelimit
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db

URL = "/proposals/new/"


def data(subdistrict, community=None, **overrides) -> dict:
    values = {
        "title": "给康居社区老旧小区加装电梯",
        "content": "康居社区12号楼、13号楼都是六层，老人多。",
        "reason": "上下楼难，我的电话 139 1234 5678。",
        "programme": "bianmin",
        "subdistrict": str(subdistrict.pk),
        "community": str(community.pk) if community else "",
        "proposer_name": "王秀英",
        "proposer_phone": "13912345678",
        "consent_to_publish": "on",
        "website": "",
    }
    values.update(overrides)
    return values


def test_a_resident_proposes_and_gets_a_proposal_number(client):
    taishan, taishan_c, _k, _kc = areas()
    response = client.post(URL, data(taishan, taishan_c), follow=True)
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.tracking_no.startswith(f"JY-{proposal.year}-")
    assert proposal.tracking_no in response.content.decode()
    assert proposal.source == Source.RESIDENT and proposal.status == ProposalStatus.SUBMITTED
    assert proposal.area == taishan_c and proposal.subdistrict == taishan
    assert not proposal.publish_approved


def test_the_proposers_name_and_phone_are_encrypted_at_rest(client):
    from django.db import connection

    taishan, taishan_c, _k, _kc = areas()
    client.post(URL, data(taishan, taishan_c))
    with connection.cursor() as cursor:
        cursor.execute("SELECT proposer_name, proposer_phone FROM proposals_proposal")
        name, phone = cursor.fetchone()
    assert "王秀英" not in name and "13912345678" not in phone
    assert Proposal.objects.get().proposer_name == "王秀英"


def test_consent_is_not_ticked_in_advance(client):
    areas()
    html = client.get(URL).content.decode()
    checkbox = html[html.index('name="consent_to_publish"') - 80 : html.index('name="consent_to_publish"') + 80]
    assert "checked" not in checkbox


def test_missing_fields_get_chinese_errors_and_nothing_is_saved(client):
    taishan, _tc, _k, _kc = areas()
    response = client.post(URL, data(taishan, title="", proposer_phone="12"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写建议项目名称。" in html and "请填写正确的电话号码。" in html
    assert not Proposal.objects.exists()


def test_a_community_of_another_subdistrict_is_refused_on_the_field(client):
    taishan, _tc, _kuishan, kuishan_c = areas()
    response = client.post(URL, data(taishan, kuishan_c))
    assert response.status_code == 200
    assert "所选社区不属于所选街道。" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_honeypot_stops_robots(client):
    taishan, _tc, _k, _kc = areas()
    response = client.post(URL, data(taishan, website="http://spam.example"))
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_too_many_proposals_from_one_address_are_refused_with_429(client, settings):
    settings.PUBLIC_SUBMIT_LIMIT = 2
    taishan, _tc, _k, _kc = areas()
    for _ in range(2):
        client.post(URL, data(taishan))
    response = client.post(URL, data(taishan))
    assert response.status_code == 429
    assert response["Retry-After"] == str(ratelimit.proposal_limit().window)
    assert "提交太频繁了" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_the_form_works_without_javascript_and_fits_a_phone(client):
    areas()
    html = client.get(URL).content.decode()
    assert '<form method="post"' in html and 'type="submit"' in html
    assert 'name="viewport"' in html
