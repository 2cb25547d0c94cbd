"""Numbers and money as each language writes them: one place for every page, report and export."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language

TEN_THOUSAND = Decimal(10_000)


def _english(language: str | None) -> bool:
    return (language or get_language() or "").startswith("en")


def _grouped(value: Decimal, places: int) -> str:
    """`value` with thousands separators and at most `places` decimals, trailing zeros dropped."""
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value_wan, language: str | None = None) -> str:
    """An amount stored in 万元 (10,000 yuan): "24.3 万元" in Chinese, "¥243,000" in English.

    None or a non-number gives "—": a figure not entered is shown as missing, never as 0.
    """
    try:
        amount = Decimal(str(value_wan))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if value_wan is None or not amount.is_finite():
        return "—"
    if _english(language):
        yuan = (amount * TEN_THOUSAND).quantize(Decimal(1))
        sign = "-" if yuan < 0 else ""
        return f"{sign}¥{abs(yuan):,}"
    return f"{_grouped(amount, 2)} 万元"


def format_money_figure(value_wan, language: str | None = None) -> str:
    """An amount in a table's money column, read with its header: in Chinese the plain number of
    万元 with two decimals ("1,234.50" under "计划投资（万元）"), in English whole yuan as `format_money`
    writes them ("¥12,345,000" under "Planned investment"). "—" for a figure not entered."""
    if _english(language):
        return format_money(value_wan, language)
    try:
        amount = Decimal(str(value_wan))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    if value_wan is None or not amount.is_finite():
        return "—"
    return f"{amount:,.2f}"
