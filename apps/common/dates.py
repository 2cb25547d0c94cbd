"""Calendar days: as moments in the site's time zone, and the range of dates accepted anywhere.

The range is 2000-01-01 to 2100-12-31, the same bounds as project years (年度 2000–2100) and the
API's statistics. Dates outside it are typing mistakes (0001-01-01, 9999-12-31) and overflow
date arithmetic (a day after 9999-12-31 does not exist), so forms, the admin and the interfaces
refuse them with a message.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def local_moment(day: date, at: time = time.min) -> datetime:
    """`day` at `at` (midnight unless given) in the site's time zone: where a period of whole
    days starts, or a demo event happens."""
    return timezone.make_aware(datetime.combine(day, at))


def out_of_range_message() -> str:
    return _("日期须在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}


def validate_date_in_range(value: date | datetime | None) -> None:
    """A form-field validator: refuse a date (or a date and time) outside FIRST_DAY..LAST_DAY."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def dates_out_of_range(instance, *fields: str) -> dict[str, str]:
    """For a model's clean(): {field: message} for each of `fields` holding a date out of range."""
    message = out_of_range_message()
    errors = {}
    for name in fields:
        value = getattr(instance, name, None)
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            errors[name] = message
    return errors
