"""Working-day arithmetic for request deadlines (工作日)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from apps.common.dates import local_moment


def is_working_day(day: date) -> bool:
    iso = day.isoformat()
    if iso in settings.EXTRA_WORKDAYS:
        return True
    if iso in settings.HOLIDAYS:
        return False
    return day.weekday() < 5


def working_days_before(day: date, days: int) -> date:
    """The `days`-th working day before `day` (the day itself not counted)."""
    remaining = days
    while remaining > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start` (local time, 23:59:59)."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return local_moment(day, time(23, 59, 59))
