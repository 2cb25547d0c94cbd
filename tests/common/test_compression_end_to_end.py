"""Shared pages and API answers through the real URLs: gzip for clients that ask, the same bytes inside."""

from __future__ import annotations

import gzip
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.services import appeal_link_projects, appeal_set_publication
from apps.common.cache import COMPRESS_MIN_BYTES
from tests import factories as f
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db

SHARED_URLS = ["/", "/api/v1/stats/", "/open311/v2/requests.json"]
BROWSER_ENCODINGS = "gzip, deflate, br"


@pytest.fixture
def published_data():
    kuishan = f.subdistrict("奎山街道")
    project = f.project(programme_code="lvse", title="奎山口袋公园", areas=[kuishan])
    for n in range(3):
        appeal = f.appeal(
            area=f.community(f"奎园社区{n}", parent=kuishan),
            title=f"奎园社区第{n}处路灯不亮",
            content="3号楼2单元门口的路灯坏了一个月，晚上老人上下楼看不清台阶，请尽快修理。" * 3,
        )
        appeal_set_publication(appeal=appeal, approved=True)
        appeal_link_projects(appeal=appeal, projects=[project])


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def get(client: Client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("url", SHARED_URLS)
def test_a_shared_answer_is_gzipped_for_clients_that_accept_it_and_holds_the_same_bytes(client, published_data, url):
    responses = [get(client, url, HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS) for _ in range(2)]
    assert responses[1][0] == 0, "the second answer should come from the shared cache"
    _, plain = get(Client(), url)

    assert "Content-Encoding" not in plain
    assert len(plain.content) >= COMPRESS_MIN_BYTES, "the fixture should make the answer worth compressing"
    assert "accept-encoding" in vary(plain)
    for _, packed in responses:
        assert packed["Content-Encoding"] == "gzip", url
        assert "accept-encoding" in vary(packed)
        assert len(packed.content) < len(plain.content)
        assert gzip.decompress(packed.content) == plain.content


@pytest.mark.parametrize("url", SHARED_URLS)
def test_a_client_without_accept_encoding_gets_the_plain_answer_even_from_the_cache(client, published_data, url):
    _, packed = get(client, url, HTTP_ACCEPT_ENCODING="gzip")  # fills the cache with both forms
    assert packed["Content-Encoding"] == "gzip"
    for extra in ({}, {"HTTP_ACCEPT_ENCODING": "identity"}, {"HTTP_ACCEPT_ENCODING": "gzip;q=0"}):
        queries, plain = get(Client(), url, **extra)
        assert queries == 0
        assert "Content-Encoding" not in plain
        assert gzip.decompress(packed.content) == plain.content


def test_an_answer_for_an_api_key_is_never_gzipped(client, published_data):
    _, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    keyed = keyed_client(raw)
    _, anonymous = get(client, "/api/v1/stats/", HTTP_ACCEPT_ENCODING="gzip")
    assert anonymous["Content-Encoding"] == "gzip"  # the shared answer is in the cache, compressed

    for _ in range(2):
        response = keyed.get("/api/v1/stats/", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert "Content-Encoding" not in response
        body = json.loads(response.content)
        assert body["requests"]["published"] == 3
