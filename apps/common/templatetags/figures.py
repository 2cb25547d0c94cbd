"""Numbers written one way on every statistics page and report: thousands separated (12,345),
money in 万元 with two decimals (1,234.50) in a column headed 万元, an amount in a sentence or a
fact as the page's language writes money (`money`: 24.3 万元 / ¥243,000), rates with one decimal
and a percent sign, and a dash for a figure that does not exist (a rate without a denominator)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from apps.common.numbers import format_money, format_money_figure

register = template.Library()

DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def thousands(value) -> str:
    """12345 → 12,345; a decimal keeps its own places (1234.5 → 1,234.5)."""
    number = _decimal(value)
    if number is None:
        return DASH
    places = max(0, -number.as_tuple().exponent) if isinstance(number.as_tuple().exponent, int) else 0
    return f"{number:,.{places}f}"


@register.filter
def wan(value) -> str:
    """Money in 万元: 1234.5 → 1,234.50."""
    number = _decimal(value)
    return DASH if number is None else f"{number:,.2f}"


@register.filter
def money(value) -> str:
    """An amount in 万元 on its own, in the page's language: "24.3 万元" / "¥243,000"."""
    return format_money(value)


@register.filter
def money_figure(value) -> str:
    """An amount in a table's money column, as its header reads: the plain number of 万元 in
    Chinese (1,234.50 under "计划投资（万元）"), whole yuan in English (¥12,345,000 under "Planned
    investment"), never "wan"."""
    return format_money_figure(value)


@register.filter
def pct(value) -> str:
    """A rate in percent: 84.5 → 84.5%."""
    number = _decimal(value)
    return DASH if number is None else f"{number:,.1f}%"


@register.filter
def signed(value) -> str:
    """A change in percentage points: +1.5 / −2.0 / 0.0."""
    number = _decimal(value)
    if number is None:
        return DASH
    if number > 0:
        return f"+{number:.1f}"
    if number < 0:
        return f"−{-number:.1f}"
    return f"{number:.1f}"


_CELL_NOTE = '<br><span class="muted small">{}</span>'


@register.filter
def figure_cell(figure) -> str:
    """One cell of a figures table (apps.appeals.figures.Figure): the value (a rate with its
    numerator/denominator beneath), then its 环比. Written here rather than in an included
    template: /stats/ draws nearly a thousand of them."""
    if figure.value is None:
        cell = DASH
    elif figure.is_rate:
        cell = format_html("{}%" + _CELL_NOTE, figure.value, f"{figure.numerator}/{figure.denominator}")
    else:
        cell = conditional_escape(figure.value)
    change = figure.signed_change
    if change:
        cell = format_html("{}" + _CELL_NOTE, cell, gettext("环比 %(change)s") % {"change": change})
    return mark_safe(cell)


@register.simple_tag
def rate_cell(rate, part, whole) -> str:
    """One rate of a 三率 table: 84.5% with "part/whole" beneath in small type; a dash without a rate."""
    if rate is None:
        return DASH
    return format_html(
        '<span>{} <span class="muted small">{}/{}</span></span>', pct(rate), thousands(part), thousands(whole)
    )
