"""Tracking numbers (受理编号): `QS-<year>-<six digits>`, e.g. QS-2026-000123.

The one place that writes and reads them: the service issues them, the tracking form, the
admin's search box and Open311 read what people and other systems typed.
"""

from __future__ import annotations

import re
import unicodedata

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
