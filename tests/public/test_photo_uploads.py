"""Hostile photo uploads on the residents' form: bounded before any pixel is decoded, and counted."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.appeals.models import Appeal
from tests import factories as f
from tests.public.helpers import areas, form_data, png

pytestmark = pytest.mark.django_db

URL = "/requests/new/"


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding_a_pixel(client, decodes):
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, photos=[f.png_bomb()]))  # 17 KB, 12000×12000
    assert response.status_code == 200
    html = response.content.decode()
    assert "照片像素过多（12000×12000）" in html
    assert "楼道灯坏了" in html  # the typed text is kept
    assert decodes == []
    assert not Appeal.objects.exists()


def test_a_refused_post_draws_the_form_again_without_reading_its_lists(client, decodes, django_assert_num_queries):
    """The 街道, 社区, class and programme lists are cached: a pixel bomb costs the programme it
    names (checked when posted) and nothing for drawing the form again with the typed text."""
    taishan, taishan_c, *_ = areas()
    assert client.get(URL).status_code == 200  # the lists are read once, and cached
    with django_assert_num_queries(1):  # the chosen programme
        response = client.post(URL, form_data(taishan, taishan_c, photos=[f.png_bomb()]))
    html = response.content.decode()
    assert "照片像素过多（12000×12000）" in html and "楼道灯坏了" in html
    assert f'<option value="{taishan_c.pk}" selected lang="zh-CN">{taishan_c.name}</option>' in html
    assert decodes == []


def test_the_pixel_budget_is_a_setting(client, settings, decodes):
    settings.PHOTO_MAX_PIXELS = 32 * 24 - 1
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, photos=[png()]))  # 32×24
    assert "照片像素过多（32×24）" in response.content.decode()
    assert decodes == []
    settings.PHOTO_MAX_PIXELS = 32 * 24
    assert client.post(URL, form_data(taishan, photos=[png()])).status_code == 302


def test_a_photo_over_the_byte_limit_is_refused_before_it_is_opened(client, settings, monkeypatch):
    settings.PHOTO_MAX_BYTES = 2000
    opened = []
    original = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or original(*a, **k))
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 60).save(buffer, format="PNG")  # noise does not compress: ~4 KB
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    assert big.size > 2000
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, photos=[big]))
    assert "照片不能超过 2.0\xa0KB" in response.content.decode()
    assert opened == []
    assert not Appeal.objects.exists()


def test_each_photo_is_decoded_once(client, decodes):
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, photos=[f.jpeg_with_gps("a.jpg"), png("b.png")]))
    assert response.status_code == 302
    assert sorted(decodes) == [(32, 24), (64, 48)]
    assert Appeal.objects.get().photos.count() == 2


def test_refused_attempts_count_against_the_per_address_limit(client, settings, decodes):
    settings.PUBLIC_SUBMIT_LIMIT = 3
    taishan, *_ = areas()
    for _ in range(2):
        assert client.post(URL, form_data(taishan, photos=[f.png_bomb()])).status_code == 200
    assert client.post(URL, form_data(taishan, title="")).status_code == 200  # a missing field counts too
    response = client.post(URL, form_data(taishan, photos=[f.png_bomb()]))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "提交太频繁了" in response.content.decode()
    assert "楼道灯坏了" in response.content.decode()
    assert client.post(URL, form_data(taishan)).status_code == 429
    assert not Appeal.objects.exists()
    assert decodes == []
    # Another address is not affected.
    assert client.post(URL, form_data(taishan), REMOTE_ADDR="10.9.8.7").status_code == 302


def test_a_body_over_the_limit_is_refused_by_its_length_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1024 * 1024
    taishan, *_ = areas()
    # The declared length is larger than what is sent: reading the body would fail the test client.
    response = client.post(URL, form_data(taishan, photos=[png()]), CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "提交的内容超过 1 MB" in html
    assert "<script" not in html
    assert not Appeal.objects.exists()


def test_the_body_limit_page_is_in_english_for_english_readers(client, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1024 * 1024
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan), CONTENT_LENGTH=str(2 * 1024 * 1024), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert 'lang="en"' in response.content.decode()
    assert "larger than 1 MB" in response.content.decode()


def test_a_large_phone_photo_is_decoded_at_a_reduced_scale_and_stored_at_most_2560_a_side(client, decodes):
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (90, 140, 200)).save(buffer, format="JPEG", quality=60)  # 48 Mpx
    photo = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    taishan, *_ = areas()
    response = client.post(URL, form_data(taishan, photos=[photo]), REMOTE_ADDR="10.1.1.1")
    assert "照片像素过多（8000×6000）" in response.content.decode()  # over the 40 Mpx budget
    buffer = io.BytesIO()
    Image.new("RGB", (7000, 5000), (90, 140, 200)).save(buffer, format="JPEG", quality=60)  # 35 Mpx
    photo = SimpleUploadedFile("IMG_0002.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert client.post(URL, form_data(taishan, photos=[photo])).status_code == 302
    # The JPEG decoder scaled by 1/2 while decoding: 35 Mpx never existed in memory.
    assert decodes == [(3500, 2500)]
    with Image.open(Appeal.objects.get().photos.get().image.path) as stored:
        assert max(stored.size) == 2560
