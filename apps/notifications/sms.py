"""SMS senders, chosen by the SMS_BACKEND setting like Django's EMAIL_BACKEND.

- ConsoleBackend (default): prints the message, for development.
- FileBackend: appends each message as a JSON line to a file in SMS_FILE_PATH (tests).
- HttpBackend: posts to an SMS gateway (SMS_HTTP_URL), signed as described on the class.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway refused or could not be reached; the outbox retries the message."""


class BaseBackend:
    def send(self, *, phone: str, body: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, phone: str, body: str) -> None:
        self.stream.write(f"[短信] 至 {phone}：{body}\n")
        self.stream.flush()


class FileBackend(BaseBackend):
    def send(self, *, phone: str, body: str) -> None:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / "sms.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps({"phone": phone, "body": body}, ensure_ascii=False) + "\n")


def canonical_string(*, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    """What the gateway signs: five lines, the last the hex SHA-256 of the request body."""
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()])


def signature(secret: str, canonical: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).digest()).decode()


class HttpBackend(BaseBackend):
    """POST a JSON body {"phone", "template_id", "params": {"content"}} to SMS_HTTP_URL.

    Headers: X-App-Key (SMS_HTTP_APP_KEY), X-Timestamp (Unix seconds), X-Nonce (random, once)
    and X-Signature = Base64(HMAC-SHA256(SMS_HTTP_APP_SECRET, canonical string)), where the
    canonical string is "POST\\n<path>\\n<timestamp>\\n<nonce>\\n<hex SHA-256 of the body>".
    Any answer but 2xx, or no answer within SMS_HTTP_TIMEOUT seconds, is an SmsError.
    """

    def send(self, *, phone: str, body: str) -> None:
        payload = json.dumps(
            {"phone": phone, "template_id": settings.SMS_HTTP_TEMPLATE_ID, "params": {"content": body}},
            ensure_ascii=False,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        canonical = canonical_string(
            method="POST",
            path=urlsplit(settings.SMS_HTTP_URL).path or "/",
            timestamp=timestamp,
            nonce=nonce,
            body=payload,
        )
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-App-Key": settings.SMS_HTTP_APP_KEY,
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature": signature(settings.SMS_HTTP_APP_SECRET, canonical),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise SmsError(f"短信网关返回 {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"无法连接短信网关：{exc}") from exc


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()
