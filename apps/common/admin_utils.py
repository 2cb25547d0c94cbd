"""Shared pieces of the officials' back office that know no domain: badges, progress bars, readable
errors, a cheap paginator, Chinese CSV. The scope-aware pieces live with the scopes
(`apps.accounts.admin_scoping`) and the 街道 filter with the places (`apps.places.admin_filters`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

from apps.common.paging import CappedCountPaginator

__all__ = ["CappedCountPaginator"]

BADGE_COLOURS = {
    "grey": ("#f0f1f3", "#3b4048"),
    "blue": ("#e3efff", "#0b4ea2"),
    "teal": ("#ddf4f1", "#05665b"),
    "green": ("#e1f5e4", "#17672a"),
    "yellow": ("#fff3c4", "#6b4d00"),
    "orange": ("#ffe8d4", "#8a3c00"),
    "red": ("#fde2e1", "#a4161a"),
}


def badge(text: str, colour: str = "grey"):
    background, foreground = BADGE_COLOURS.get(colour, BADGE_COLOURS["grey"])
    return format_html(
        '<span class="qs-badge" style="display:inline-block;padding:1px 8px;border-radius:10px;'
        'background:{};color:{};font-weight:600;white-space:nowrap">{}</span>',
        background,
        foreground,
        text,
    )


def deadline_badge(deadline, now):
    """How far a deadline is: "超期 N 天" in red once passed, "剩 N 小时" within two days
    (orange within one), "剩 N 天" beyond; "—" without one."""
    if deadline is None:
        return "—"
    seconds = (deadline - now).total_seconds()
    if seconds < 0:
        days, hours = divmod(int(-seconds) // 3600, 24)
        if days:
            return badge(_("超期 %(days)d 天") % {"days": days}, "red")
        return badge(_("超期 %(hours)d 小时") % {"hours": max(hours, 1)}, "red")
    hours = int(seconds) // 3600
    if hours < 48:
        return badge(_("剩 %(hours)d 小时") % {"hours": hours}, "orange" if hours < 24 else "yellow")
    return badge(_("剩 %(days)d 天") % {"days": hours // 24}, "green")


def colour_badge(text: str, colour: str):
    """A badge in a programme's own colour (white text on it)."""
    return format_html(
        '<span class="qs-badge" style="display:inline-block;padding:1px 8px;border-radius:10px;'
        'background:{};color:#fff;font-weight:600;white-space:nowrap">{}</span>',
        colour,
        text,
    )


def progress_bar(value: Decimal | float | int | None, colour: str = "#1f6feb"):
    percent = max(0.0, min(100.0, float(value or 0)))
    return format_html(
        '<div class="qs-progress" role="progressbar" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100"'
        ' style="display:flex;align-items:center;gap:6px;min-width:120px">'
        '<div style="flex:1;height:10px;background:#e6e8eb;border-radius:5px;overflow:hidden">'
        '<div style="width:{}%;height:100%;background:{}"></div></div>'
        '<span style="min-width:3.2em;text-align:right">{}%</span></div>',
        f"{percent:.1f}",
        f"{percent:.1f}",
        colour,
        f"{percent:.1f}".removesuffix(".0"),
    )


def error_text(exc: Exception) -> str:
    """A readable Chinese message from a refused service call."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "；".join(message for messages_ in exc.message_dict.values() for message in messages_)
        return "；".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("您无权执行该操作。")
    return getattr(exc, "message", None) or str(exc)


class ChineseCSV(CSV):
    """CSV import that also reads the GBK/GB18030 files Excel saves on Chinese Windows.

    The file is read as bytes and decoded here: UTF-8 (with or without BOM) first, then GB18030.
    """

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    in_stream = in_stream.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
        return super().create_dataset(in_stream, **kwargs)
