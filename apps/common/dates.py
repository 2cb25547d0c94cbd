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
from django.utils.html import format_html
from django.utils.safestring import SafeString
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


def time_element(value: date | datetime | None, *, with_time: bool = True) -> SafeString | str:
    """`value` as a <time> element whose date never breaks at its hyphens on a phone ("2026-" /
    "11-30"; site.css keeps `.date` on one line). A moment (local time) reads "2026-11-30 17:00"
    and may break before its hour; `with_time=False` gives its day alone. Empty for None."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return format_html('<time class="date" datetime="{}">{}</time>', value.isoformat(), value.isoformat())
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    day = moment.date().isoformat()
    if not with_time:
        return format_html('<time class="date" datetime="{}">{}</time>', day, day)
    return format_html(
        '<time class="moment" datetime="{}"><span class="date">{}</span> {}</time>',
        moment.isoformat(timespec="minutes"),
        day,
        moment.strftime("%H:%M"),
    )
