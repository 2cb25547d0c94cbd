"""The HTTP SMS backend, against a local gateway that verifies the signature as documented on
apps.notifications.sms.HttpBackend."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.notifications.sms import HttpBackend, SmsError

SECRET = "gateway-secret"


class Gateway:
    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                canonical = "\n".join(
                    [
                        "POST",
                        self.path,
                        self.headers["X-Timestamp"],
                        self.headers["X-Nonce"],
                        hashlib.sha256(body).hexdigest(),
                    ]
                )
                expected = base64.b64encode(hmac.new(SECRET.encode(), canonical.encode(), hashlib.sha256).digest())
                valid = hmac.compare_digest(expected.decode(), self.headers["X-Signature"] or "")
                if valid and self.headers["X-App-Key"] == "app-1":
                    gateway.received.append(json.loads(body))
                    self.send_response(gateway.status)
                else:
                    self.send_response(401)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.SMS_HTTP_URL, settings.SMS_HTTP_TEMPLATE_ID = gw.url, "TPL_0001"
    settings.SMS_HTTP_APP_KEY, settings.SMS_HTTP_APP_SECRET, settings.SMS_HTTP_TIMEOUT = "app-1", SECRET, 2
    yield gw
    gw.server.shutdown()


def test_a_signed_request_reaches_the_gateway(gateway):
    HttpBackend().send(phone="13912345678", body="【泉山六心】您的诉求已受理。")
    assert gateway.received == [
        {"phone": "13912345678", "template_id": "TPL_0001", "params": {"content": "【泉山六心】您的诉求已受理。"}}
    ]


def test_a_wrong_secret_is_refused_by_the_gateway_and_raised(gateway, settings):
    settings.SMS_HTTP_APP_SECRET = "not-the-secret"
    with pytest.raises(SmsError, match="401"):
        HttpBackend().send(phone="13912345678", body="x")
    assert gateway.received == []


def test_a_gateway_error_is_raised_for_the_outbox_to_retry(gateway):
    gateway.status = 500
    with pytest.raises(SmsError, match="500"):
        HttpBackend().send(phone="13912345678", body="x")


def test_an_unreachable_gateway_is_raised(gateway, settings):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/sms"
    with pytest.raises(SmsError):
        HttpBackend().send(phone="13912345678", body="x")
