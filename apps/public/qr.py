"""QR codes on printed pages (a site notice board's 公示牌), as inline SVG: no image request,
no JavaScript, sharp at any print size."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    """`url` as a QR code: an `<svg>` with a viewBox and no fixed size, so CSS sizes it in mm.

    Error correction M (15 %) at least, raised by segno when the version has room: a board
    outdoors gets dirty and scratched."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(omitsize=True, svgclass="qr", lineclass="qr__modules"))  # segno's own markup
