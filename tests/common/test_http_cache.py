"""What caches in front of the app may keep: shared answers are public with an ETag and answer
304s; anything with a session, a CSRF token, an API key or a method other than GET is
`private, no-store` (apps.common.http_cache)."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.services import appeal_set_publication
from tests import factories as f
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def private(response) -> bool:
    return {"private", "no-store"} <= {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_RATES = {key: "10000/min" for key in settings.API_THROTTLE_RATES}


@pytest.fixture
def published():
    appeal = f.appeal(title="奎园社区路灯不亮", consent_to_publish=True)
    f.project(programme_code="lvse", title="奎山口袋公园")
    return appeal_set_publication(appeal=appeal, approved=True, by=f.official())


SHARED = [
    ("/", 20),
    ("/projects/", 20),
    ("/requests/", 20),
    ("/requests/?q=路灯", 20),
    ("/stats/", 20),
    ("/api/v1/projects/", 20),
    ("/api/v1/requests/", 20),
    ("/api/v1/stats/", 30),
    ("/open311/v2/services.json", 20),
    ("/open311/v2/requests.json", 20),
    ("/open311/v2/requests.xml", 20),
]


@pytest.mark.parametrize(("url", "max_age"), SHARED)
def test_a_shared_answer_may_be_kept_and_answers_a_conditional_request_with_304(published, url, max_age):
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == f"public, max-age={max_age}, stale-while-revalidate={60 - max_age}"
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"]
    assert "Cookie" in again["Vary"] or url.startswith(("/api/", "/open311/"))


def test_a_changed_answer_gets_a_new_etag_and_the_old_one_no_longer_matches(
    published, django_capture_on_commit_callbacks
):
    client = Client()
    etag = client.get("/api/v1/requests/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        appeal = f.appeal(title="新的公开诉求", consent_to_publish=True)
        appeal_set_publication(appeal=appeal, approved=True, by=f.official())
    changed = client.get("/api/v1/requests/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_gzip_and_the_plain_forms_have_different_etags(published):
    client = Client()
    url = "/open311/v2/requests.json"
    f.appeal(title="x" * 80, content="长" * 2000, consent_to_publish=True)
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    if zipped.get("Content-Encoding") == "gzip":
        assert zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped.get("Vary", "") or zipped.get("Content-Encoding") != "gzip"


@pytest.mark.parametrize("url", ["/requests/new/", "/requests/track/", "/admin/login/"])
def test_a_page_with_a_form_and_its_csrf_token_is_private(published, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert private(response)
    assert "public" not in response["Cache-Control"]
    assert "ETag" not in response


def test_the_tracking_answer_is_private(published):
    response = Client().post("/requests/track/", {"tracking_no": published.tracking_no, "phone_last4": "5678"})
    assert response.status_code == 200
    assert private(response)


@pytest.mark.parametrize("url", ["/", "/requests/", "/admin/", "/api/v1/requests/"])
def test_everything_a_signed_in_official_sees_is_private(published, url):
    client = Client()
    client.force_login(f.official("district"))
    response = client.get(url)
    assert private(response)
    assert "public" not in response["Cache-Control"]


def test_an_answer_to_an_api_key_is_private(published):
    _key, raw = api_key_create(name="全区只读", scope=ApiScope.READ_PRIVATE)
    response = keyed_client(raw).get("/api/v1/requests/")
    assert response.status_code == 200
    assert private(response)
    assert "ETag" not in response


def test_posts_are_private(published):
    response = Client().post("/open311/v2/requests.json", {"service_code": "x"})
    assert response.status_code == 403
    assert private(response)


def test_a_display_choice_that_sets_a_cookie_is_private():
    response = Client().get("/display/", {"text": "large", "next": "/"})
    assert response.status_code == 302
    assert private(response)


def test_errors_and_the_health_check_are_not_made_public(published):
    client = Client()
    assert "public" not in client.get("/projects/999999/").get("Cache-Control", "")
    assert "public" not in client.get("/healthz").get("Cache-Control", "")
