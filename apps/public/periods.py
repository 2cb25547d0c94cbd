"""Reporting periods of the 三率 page: presets (this year, quarter, month, last 12 months) or custom dates.

A period is [start, end) in local time; `last_day` is the last day it covers, for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.common.dates import local_moment, time_element


@dataclass(frozen=True)
class Period:
    key: str
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return local_moment(self.first_day)

    @property
    def end(self) -> datetime:
        return local_moment(self.last_day + timedelta(days=1))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(key: str, *, today: date | None = None, start: date | None = None, end: date | None = None) -> Period:
    """The period for a preset key (or 'custom' with start and end dates); unknown keys mean this year."""
    today = today or timezone.localdate()
    if key == "custom" and start and end:
        return Period("custom", start, end)
    if key == "month":
        first = today.replace(day=1)
        return Period(key, first, _add_months(first, 1) - timedelta(days=1))
    if key == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return Period(key, first, _add_months(first, 3) - timedelta(days=1))
    if key == "last12":
        return Period(key, _add_months(today.replace(day=1), -11), today)
    return Period("year", date(today.year, 1, 1), date(today.year, 12, 31))


def describe(period: Period) -> str:
    """The period for a sentence of the page (HTML: each day a <time> that never breaks)."""
    return mark_safe(
        conditional_escape(_("%(start)s 至 %(end)s"))
        % {"start": time_element(period.first_day), "end": time_element(period.last_day)}
    )
