"""Debian's nginx with scripts/nginx/quanshan.conf in front of the app: a shared page is served
from nginx's cache (X-Cache-Status: HIT) and a conditional request gets a 304, while a page
with a form and everything an official sees pass through, never stored.

Skipped without /usr/sbin/nginx, unless REQUIRE_NGINX=1 (set by .ci/run): then it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from apps.appeals.services import appeal_set_publication
from tests import factories as f

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONFIG = Path(settings.BASE_DIR) / "scripts" / "nginx" / "quanshan.conf"

pytestmark = pytest.mark.django_db(transaction=True)


def _require_nginx() -> None:
    if not os.access(NGINX, os.X_OK):
        reason = f"{NGINX} is missing (apt-get install nginx-light)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail(f"the nginx test is required (REQUIRE_NGINX=1) but {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx on a free loopback port, as a child process (not a daemon), proxying to the live server."""
    _require_nginx()
    port = _free_port()
    upstream = live_server.url.removeprefix("http://")
    cache_dir = tmp_path / "cache"
    site = (
        CONFIG.read_text()
        .replace("/var/cache/nginx/quanshan", str(cache_dir))
        .replace("server 127.0.0.1:8000;", f"server {upstream};")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
    )
    (tmp_path / "quanshan.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in (*temp.values(), cache_dir, tmp_path / "logs"):
        folder.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers write the cache in tmp_path
    (tmp_path / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["client"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {tmp_path}/quanshan.conf;
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stderr.read()}")
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": "localhost", **headers})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def published():
    appeal = f.appeal(title="奎园社区路灯不亮", consent_to_publish=True)
    return appeal_set_publication(appeal=appeal, approved=True, by=f.official())


def test_nginx_serves_a_shared_page_from_its_cache_and_answers_304(nginx, published, settings):
    settings.API_THROTTLE_RATES = {key: "10000/min" for key in settings.API_THROTTLE_RATES}
    for path in ("/requests/", "/api/v1/requests/", "/open311/v2/requests.json"):
        status, headers, body = get(nginx + path)
        assert status == 200, path
        assert headers["X-Cache-Status"] == "MISS"
        assert headers["Cache-Control"].startswith("public, max-age=")
        status, again, body_again = get(nginx + path)
        assert (status, again["X-Cache-Status"]) == (200, "HIT"), path
        assert body_again == body
        status, not_modified, empty = get(nginx + path, **{"If-None-Match": headers["ETag"]})
        assert status == 304, path
        assert empty == b""
        assert not_modified["ETag"] == headers["ETag"]


def test_nginx_never_stores_a_form_page_or_what_an_official_sees(nginx, published, client):
    for _ in range(2):
        status, headers, _body = get(nginx + "/requests/new/")
        assert status == 200
        assert {"private", "no-store"} <= {part.strip() for part in headers["Cache-Control"].split(",")}
        assert headers["X-Cache-Status"] == "MISS"
    get(nginx + "/requests/")  # stored for anonymous readers
    official = f.official("district")
    client.force_login(official)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, _body = get(nginx + "/requests/", Cookie=cookie)
    assert status == 200
    assert headers["X-Cache-Status"] == "BYPASS"
    assert headers["Cache-Control"] == "private, no-store"
