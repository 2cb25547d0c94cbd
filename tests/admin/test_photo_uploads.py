"""Photo fields of the back office: the same budgets as the residents' form, one decode a photo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.appeals.models import Appeal
from tests import factories as f
from tests.admin.test_project_admin import change_url, form_data, inline

pytestmark = pytest.mark.django_db


def post_project_photo(client, project, upload):
    data = form_data(project)
    data.update(inline("photos", [{"image": upload, "stage": "during", "caption": "施工中"}]))
    return client.post(change_url(project), data)


def test_a_pixel_bomb_in_a_project_photo_is_a_form_error_without_decoding(as_official, district_official, decodes):
    project = f.project()
    response = post_project_photo(as_official(district_official), project, f.png_bomb())
    assert response.status_code == 200
    html = response.content.decode()
    assert "照片像素过多（12000×12000）" in html
    assert 'value="施工中"' in html  # what the official typed is kept
    assert decodes == []
    assert not project.photos.exists()


def test_a_project_photo_is_decoded_once(as_official, district_official, decodes):
    project = f.project()
    response = post_project_photo(as_official(district_official), project, f.jpeg_with_gps())
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert decodes == [(64, 48)]
    assert project.photos.count() == 1


def registration(**overrides) -> dict:
    return {
        "channel": "visit",
        "kind": "complaint",
        "programme": "anquan",
        "title": "楼道飞线充电",
        "content": "5号楼有人从窗口拉电线给电动车充电，存在火灾隐患。",
        "submitter_name": "李桂兰",
        "submitter_phone": "13655556666",
        **overrides,
    }


def test_a_pixel_bomb_in_a_registered_request_is_a_form_error(as_official, kuishan_official, kuishan, decodes):
    client = as_official(kuishan_official)
    data = registration(area=f.community(parent=kuishan).pk, photos=[f.png_bomb()])
    response = client.post(reverse("admin:appeals_appeal_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "照片像素过多（12000×12000）" in html
    assert "5号楼有人从窗口拉电线给电动车充电" in html and 'value="李桂兰"' in html  # the typed text is kept
    assert decodes == []
    assert not Appeal.objects.exists()


def test_a_registered_request_photo_is_decoded_once(as_official, kuishan_official, kuishan, decodes):
    client = as_official(kuishan_official)
    data = registration(area=f.community(parent=kuishan).pk, photos=[f.jpeg_with_gps()])
    response = client.post(reverse("admin:appeals_appeal_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert decodes == [(64, 48)]
    assert Appeal.objects.get().photos.count() == 1
