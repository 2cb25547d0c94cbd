"""Money as each language writes it: 万元 in Chinese, whole yuan with ¥ in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from apps.common.numbers import format_money


@pytest.mark.parametrize(
    ("wan", "chinese", "english"),
    [
        (Decimal("24.30"), "24.3 万元", "¥243,000"),
        (Decimal("1234.50"), "1,234.5 万元", "¥12,345,000"),
        (Decimal("0.05"), "0.05 万元", "¥500"),
        (Decimal("0"), "0 万元", "¥0"),
        (Decimal("12.346"), "12.35 万元", "¥123,460"),  # 万元 to two places; yuan exact
        (3, "3 万元", "¥30,000"),
    ],
)
def test_an_amount_in_wan_reads_per_language(wan, chinese, english):
    assert format_money(wan, "zh-hans") == chinese
    assert format_money(wan, "en") == english


def test_the_page_language_is_the_default():
    with translation.override("en"):
        assert format_money(Decimal("24.3")) == "¥243,000"
    with translation.override("zh-hans"):
        assert format_money(Decimal("24.3")) == "24.3 万元"


@pytest.mark.parametrize("missing", [None, "", "abc", Decimal("NaN")])
def test_a_missing_amount_is_a_dash_not_zero(missing):
    assert format_money(missing, "zh-hans") == "—"
    assert format_money(missing, "en") == "—"
