"""Error answers: the site's own pages, the API's JSON and Open311's error list, 503 when the
database is unreachable."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree

import pytest

from apps.api import selectors as api_selectors
from apps.open311 import selectors as open311_selectors
from apps.public import views_requests

ROOT = Path(__file__).resolve().parents[2]


def boom(*args, **kwargs):
    raise RuntimeError("a bug")


def assert_site_page(response, status: int, text: str, *, lang: str = "zh-CN") -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html
    assert "<script" not in html
    return html


def assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def open311_errors(response, status: int, fmt: str = "json") -> list[dict]:
    assert response.status_code == status
    if fmt == "xml":
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        items = [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]
    else:
        items = response.json()
    assert items and all(item["code"] == status and item["description"] for item in items)
    return items


# --- 404 -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_page_gets_the_sites_own_404_page_without_database_work(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert_site_page(response, 404, "找不到这个页面")


@pytest.mark.django_db
def test_the_404_page_is_in_english_for_english_readers(client):
    response = client.get("/projects/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert_site_page(response, 404, "Page not found", lang="en")


@pytest.mark.django_db
def test_the_404_page_keeps_the_readers_large_text_and_contrast(client):
    client.cookies["qs_text"] = "large"
    client.cookies["qs_contrast"] = "high"
    body = client.get("/projects/999999/").content.decode()
    assert '<html lang="zh-CN" class="text-large contrast-high">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_api_and_open311_answer_404_in_their_formats(client, fmt):
    assert_api_error(client.get("/api/v1/projects/999999/"), 404, "not_found")
    assert_api_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")
    open311_errors(client.get(f"/open311/v2/requests/QS-2020-999999.{fmt}"), 404, fmt)


# --- 500 -------------------------------------------------------------------------------------


@pytest.fixture
def bug_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_bug_gets_the_sites_own_500_page(bug_client, monkeypatch):
    monkeypatch.setattr(views_requests, "published_appeals_page", boom)
    assert_site_page(bug_client.get("/requests/"), 500, "网站出了点问题")
    html = assert_site_page(bug_client.get("/requests/", HTTP_ACCEPT_LANGUAGE="en"), 500, "went wrong", lang="en")
    assert "12345" in html


@pytest.mark.django_db
def test_a_bug_in_the_api_is_a_json_500(bug_client, monkeypatch):
    monkeypatch.setattr(api_selectors, "project_list", boom)
    error = assert_api_error(bug_client.get("/api/v1/projects/"), 500, "server_error")
    assert "服务器" in error["message"] and "Something went wrong" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bug_in_open311_is_a_500_in_its_error_format(bug_client, monkeypatch, fmt):
    monkeypatch.setattr(open311_selectors, "service_list", boom)
    open311_errors(bug_client.get(f"/open311/v2/services.{fmt}"), 500, fmt)


# --- 413 -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_api_and_open311_refuse_an_oversized_body_in_their_formats(client, settings, fmt):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    too_long = {"CONTENT_LENGTH": "5000"}  # more than is sent: reading it would fail the test client
    response = client.post("/api/v1/requests/", {"title": "x"}, **too_long)
    assert_api_error(response, 413, "request_too_large")
    open311_errors(client.post(f"/open311/v2/requests.{fmt}", {"service_code": "x"}, **too_long), 413, fmt)


# --- 503: the database cannot be reached -------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in ("/healthz", "/", "/projects/", "/api/v1/projects/", "/open311/v2/requests.json",
             "/open311/v2/requests.xml"):
    response = client.get(path)
    answers[path] = [response.status_code, response.get("Retry-After"), response["Content-Type"],
                     response.content.decode()]
response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
answers["en"] = [response.status_code, response.get("Retry-After"), response["Content-Type"], response.content.decode()]
print(json.dumps(answers))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/unreachable",  # nothing listens on port 1
        "sqlite:////nonexistent-folder/quanshan.sqlite3",  # cannot be opened
    ],
    ids=["postgresql", "sqlite"],
)
def test_an_unreachable_database_gives_503_with_retry_after_in_each_parts_format(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "quanshan.settings", "DEBUG": "false"}
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    assert answers["/healthz"][0] == 200
    for path in ("/", "/projects/", "/api/v1/projects/", "/open311/v2/requests.json", "/open311/v2/requests.xml"):
        status, retry_after, content_type, body = answers[path]
        assert (status, retry_after) == (503, "30"), (path, status, body[:300])
        if path.startswith("/api/"):
            assert json.loads(body)["error"]["code"] == "service_unavailable"
        elif path.endswith(".json"):
            assert json.loads(body)[0]["code"] == 503
        elif path.endswith(".xml"):
            assert ElementTree.fromstring(body).find("error/code").text == "503"
        else:
            assert content_type.startswith("text/html")
            assert "网站暂时无法使用" in body and "<script" not in body
    status, _retry, _type, body = answers["en"]
    assert status == 503 and "temporarily unavailable" in body


def test_a_real_server_answers_413_before_the_oversized_body_is_sent(live_server, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1024 * 1024
    address = urllib.parse.urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        # Headers announcing 40 MB and only the start of the body: the answer must come anyway.
        sock.sendall(
            b"POST /requests/new/ HTTP/1.1\r\nHost: testserver\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 40000000\r\n\r\n--x\r\n"
        )
        answer = b""
        while b"</html>" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413")
    assert "提交的内容超过 1 MB".encode() in answer
