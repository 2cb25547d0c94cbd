"""Residents' personal data never reaches the pages and feeds of the public site."""

from __future__ import annotations

import pytest

from apps.appeals import services as appeal_services
from tests import factories as f
from tests.public.site_data import neighbourhood

pytestmark = pytest.mark.django_db

NAME = "司马相如"
PHONE = "13700001234"
CONTACT = "weixin-sima-0423"
ADDRESS = "建国路77号9栋3单元602室"


def test_a_published_request_shows_a_masked_name_and_nothing_private_anywhere(client):
    hood = neighbourhood()
    official = f.official()
    appeal = f.appeal(
        area=hood.community,
        title="电梯噪音扰民",
        submitter_name=NAME,
        submitter_phone=PHONE,
        submitter_contact=CONTACT,
        location_text=ADDRESS,
    )
    appeal_services.appeal_set_publication(appeal=appeal, approved=True, by=official)
    appeal_services.appeal_link_projects(appeal=appeal, projects=[hood.projects[0]], by=official)
    urls = [
        "/",
        "/projects/",
        f"/projects/{hood.projects[0].pk}/",
        "/programmes/bianmin/",
        f"/areas/{hood.subdistrict.pk}/",
        f"/areas/{hood.community.pk}/",
        "/feeds/updates/",
        f"/feeds/projects/{hood.projects[0].pk}/",
        f"/feeds/areas/{hood.community.pk}/",
        "/feeds/programmes/bianmin/",
    ]
    seen_title = False
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for private in (NAME, PHONE, PHONE[-4:], CONTACT, ADDRESS, "建国路77号"):
            assert private not in body, (url, private)
        seen_title = seen_title or "电梯噪音扰民" in body
    assert seen_title
    assert "司*" in client.get(f"/projects/{hood.projects[0].pk}/").content.decode()
