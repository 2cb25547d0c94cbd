"""Calendar days as moments in the site's time zone."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def local_moment(day: date, at: time = time.min) -> datetime:
    """`day` at `at` (midnight unless given) in the site's time zone: where a period of whole
    days starts, or a demo event happens."""
    return timezone.make_aware(datetime.combine(day, at))
