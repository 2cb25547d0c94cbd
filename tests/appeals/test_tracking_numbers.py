"""Tracking numbers: one format issued, one reading of what people and other systems type."""

from __future__ import annotations

import pytest

from apps.appeals.tracking import format_tracking_no, parse_tracking_no


def test_a_number_is_issued_with_six_digits():
    assert format_tracking_no(2026, 123) == "QS-2026-000123"


@pytest.mark.parametrize(
    "typed",
    [
        "QS-2026-000123",
        "qs-2026-123",
        "QS2026000123",
        " QS-2026 -000123 ",
        "ＱＳ－２０２６－０００１２３",
        "qs2026-123",
    ],
)
def test_what_people_type_is_read_as_the_stored_number(typed):
    assert parse_tracking_no(typed) == "QS-2026-000123"


@pytest.mark.parametrize("typed", ["", "QS-26-1", "QS-2026-1234567", "AB-2026-000123", "QS-٢٠٢٦-000123", "路灯"])
def test_anything_else_is_not_a_tracking_number(typed):
    assert parse_tracking_no(typed) is None
