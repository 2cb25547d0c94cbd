"""Residents' photos are never public files: random names, not under the served media path,
opened by officials in scope through the admin. Project photos are public files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.projects.services import project_photo_add
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403  (officials and their areas)

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal_photo(kuishan):
    appeal = f.appeal(area=f.community(parent=kuishan), photos=[f.jpeg_with_gps("IMG_20260301_101512.jpg")])
    return appeal, appeal.photos.get()


def test_a_residents_photo_gets_a_random_name_and_no_public_url(client, appeal_photo, settings):
    settings.DEBUG = False
    _appeal, photo = appeal_photo
    assert "IMG_20260301" not in photo.image.name
    assert client.get(f"/media/{photo.image.name}").status_code == 404
    escaped = client.get(f"/media/projects/../{photo.image.name}")  # out of the served folder
    assert escaped.status_code in (400, 404) and not getattr(escaped, "streaming", False)


def test_officials_in_scope_open_it_through_the_admin(as_official, appeal_photo, kuishan_official, taishan):
    appeal, photo = appeal_photo
    url = reverse("admin:appeals_appeal_photo", args=[appeal.pk, photo.pk])
    response = as_official(kuishan_official).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    change_page = as_official(kuishan_official).get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    assert url in change_page.content.decode()


def test_officials_outside_the_scope_and_visitors_cannot(client, as_official, appeal_photo, taishan):
    from apps.accounts.models import ScopeKind
    from tests.admin.conftest import staff

    appeal, photo = appeal_photo
    url = reverse("admin:appeals_appeal_photo", args=[appeal.pk, photo.pk])
    assert client.get(url).status_code == 302  # to the login page
    other = staff(f.official("taishan", scope=ScopeKind.SUBDISTRICT, subdistrict=taishan))
    assert as_official(other).get(url).status_code == 404


def test_a_project_photo_is_a_public_file_even_without_debug(client, settings):
    settings.DEBUG = False
    photo = project_photo_add(project=f.project(), upload=f.jpeg_with_gps("site.jpg"), caption="施工现场")
    response = client.get(photo.image.url)
    assert photo.image.url.startswith("/media/projects/")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
