"""Tracking numbers (受理编号): `QS-<year>-<six digits>`, e.g. QS-2026-000123.

The one place that writes and reads them: the service issues them, the tracking form, the
admin's search box and Open311 read what people and other systems typed.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core import signing

# How people type one: with or without the dashes, the number with or without its zeros.
TRACKING_NO = re.compile(r"QS-?(\d{4})-?(\d{1,6})", re.ASCII)


def format_tracking_no(year: int, number: int) -> str:
    return f"QS-{year}-{number:06d}"


def parse_tracking_no(text: str) -> str | None:
    """The tracking number someone typed, as stored (qs2026-123 → QS-2026-000123); None when it
    is not one. Full-width characters from a Chinese input method (ＱＳ－２０２６) count as ASCII."""
    value = unicodedata.normalize("NFKC", text or "").upper().replace(" ", "")
    match = TRACKING_NO.fullmatch(value)
    if match is None:
        return None
    return format_tracking_no(int(match.group(1)), int(match.group(2)))


TOKEN_SALT = "appeals.tracking-link"


def tracking_token(appeal) -> str:
    """A signed token for the resident's link to their tracking page: the request's id and its
    nonce, valid TRACKING_LINK_MAX_AGE_DAYS; `appeal_revoke_tracking_links` changes the nonce."""
    return signing.dumps([appeal.pk, appeal.tracking_nonce], salt=TOKEN_SALT, compress=True)


def read_tracking_token(token: str) -> tuple[int, str] | None:
    """The (id, nonce) a token carries, or None if it is forged, malformed or expired."""
    try:
        pk, nonce = signing.loads(token, salt=TOKEN_SALT, max_age=settings.TRACKING_LINK_MAX_AGE_DAYS * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return pk, nonce
