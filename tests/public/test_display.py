"""Language, text size and contrast: chosen with a plain form, remembered per browser."""

from __future__ import annotations

import pytest
from django.conf import settings

from apps.programmes.models import Programme
from tests.public.site_data import neighbourhood

pytestmark = pytest.mark.django_db


def test_large_text_is_remembered_in_a_cookie_and_marks_the_page(client):
    response = client.get("/display/", {"text": "large", "next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert response.cookies["qs_text"].value == "large"
    body = client.get("/projects/").content.decode()
    assert 'class="text-large"' in body
    assert 'data-toggle="text" aria-pressed="true"' in body
    client.get("/display/", {"text": "normal", "next": "/"})
    assert 'class=""' in client.get("/").content.decode()


def test_high_contrast_is_remembered_in_a_cookie_and_marks_the_page(client):
    response = client.get("/display/", {"contrast": "high", "next": "/"})
    assert response.cookies["qs_contrast"].value == "high"
    body = client.get("/").content.decode()
    assert "contrast-high" in body
    assert 'data-toggle="contrast" aria-pressed="true"' in body


def test_the_switch_only_goes_back_to_this_site(client):
    response = client.get("/display/", {"text": "large", "next": "https://evil.example/steal"})
    assert response["Location"] == "/"
    response = client.get("/display/", {"text": "large", "next": "//evil.example/"})
    assert response["Location"] == "/"


def test_unknown_values_change_nothing(client):
    response = client.get("/display/", {"text": "huge", "contrast": "neon", "lang": "fr"})
    assert response.status_code == 302
    assert not response.cookies


def test_the_display_switch_works_without_javascript_as_a_get_form(client):
    body = client.get("/").content.decode()
    assert '<form method="get" action="/display/"' in body
    assert '<input type="hidden" name="next" value="/">' in body


def test_switching_to_english_shows_the_site_in_english(client):
    hood = neighbourhood()
    response = client.get("/display/", {"lang": "en", "next": f"/projects/{hood.projects[0].pk}/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get(f"/projects/{hood.projects[0].pk}/").content.decode()
    assert '<html lang="en"' in body
    assert "Skip to content" in body
    assert "(weighted by milestones)" in body  # Latin brackets on English pages
    assert "What do green, yellow and red mean?" in body
    assert "跳到正文" not in body
    assert 'name="lang" value="zh-hans"' in body  # the way back to Chinese
    client.get("/display/", {"lang": "zh-hans", "next": "/"})
    assert "跳到正文" in client.get("/").content.decode()


def test_djangos_own_language_switch_works_too(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Six Hearts · progress of livelihood projects" in body


def test_programme_names_are_in_english_on_english_pages(client):
    neighbourhood()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert "The six programmes in" in body
    assert Programme.objects.get(code="bianmin").name_en in body
