"""The cells of /stats/'s tables, drawn by two template helpers (apps.common.templatetags.figures)
rather than an included template per cell: what each shows, escaped, in both languages."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from apps.appeals.figures import Figure


def figure(**fields) -> Figure:
    defaults = dict(key="response", label="响应率", is_rate=True, numerator=17, denominator=20)
    return Figure(**{**defaults, "value": Decimal("85.0"), "previous": Decimal("80.0"), **fields})


def cell(value) -> str:
    return Template("{% load figures %}{{ f|figure_cell }}").render(Context({"f": value}))


def test_a_rate_shows_its_parts_and_its_change():
    assert cell(figure()) == (
        '85.0%<br><span class="muted small">17/20</span><br><span class="muted small">环比 +5.0</span>'
    )


def test_a_count_shows_its_change_a_missing_value_a_dash():
    assert cell(figure(is_rate=False, denominator=None, value=3, previous=5)) == (
        '3<br><span class="muted small">环比 -2</span>'
    )
    assert cell(figure(value=None, previous=None)) == "—"
    assert cell(figure(previous=None)) == '85.0%<br><span class="muted small">17/20</span>'


def test_the_change_is_in_the_pages_language():
    with translation.override("en"):
        assert '<br><span class="muted small">' in cell(figure())
        assert "环比" not in cell(figure())


def test_a_rate_cell_and_its_dash():
    template = Template("{% load figures %}{% rate_cell rate part whole %}")
    shown = template.render(Context({"rate": Decimal("84.5"), "part": 12345, "whole": 14610}))
    assert shown == '<span>84.5% <span class="muted small">12,345/14,610</span></span>'
    assert template.render(Context({"rate": None, "part": 0, "whole": 0})) == "—"
