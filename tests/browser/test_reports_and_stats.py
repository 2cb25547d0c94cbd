"""The monthly report printed by chromium (A4 PDF: title block, no site navigation) and the
statistics page at 1366 px: every column visible, columns sortable."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_monthly_report_prints_as_a4_without_the_sites_navigation(session):
    build_site()
    call_command("take_snapshot", "--month", f"{timezone.localdate():%Y-%m}", stdout=io.StringIO())
    session.page.set_viewport_size({"width": 1366, "height": 768})
    response = session.go(f"/reports/monthly/{timezone.localdate():%Y-%m}/")
    assert response.status == 200
    session.page.emulate_media(media="print")
    assert not session.page.locator(".site-header").is_visible()
    assert not session.page.locator(".site-footer").is_visible()
    assert not session.page.locator(".report__actions").is_visible()
    assert session.page.locator("#report-title").is_visible()
    assert session.page.locator(".report__meta").inner_text().count("20") >= 3  # period, data as of, issued
    pdf = session.page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 6, pages
    session.screenshot("report-monthly-print")
    assert not session.external


def test_the_stats_tables_show_every_column_at_1366_and_sort(session):
    build_site()
    session.page.set_viewport_size({"width": 1366, "height": 768})
    assert session.go("/stats/").status == 200
    session.page.wait_for_load_state("networkidle")
    widths = session.page.evaluate(
        """() => [...document.querySelectorAll('table.data-table')].map(t => {
            const main = document.querySelector('main').getBoundingClientRect();
            const r = t.getBoundingClientRect();
            return {right: Math.round(r.right), main: Math.round(main.right),
                    scroll: t.scrollWidth, client: t.clientWidth};
        })"""
    )
    assert widths and all(w["right"] <= w["main"] and w["scroll"] <= w["client"] + 1 for w in widths), widths
    table = session.page.locator("table.comparison-table").first

    def names() -> list[str]:
        return table.locator("tbody th[scope=row]").all_inner_texts()

    header = table.locator("thead th").nth(0)
    header.locator("button").click()
    first = names()
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    header.locator("button").click()
    assert names() == list(reversed(first))
    session.screenshot("stats-1366", full_page=True)


def test_the_report_pages_have_no_serious_accessibility_violations(session):
    from tests.browser.test_accessibility import axe_violations

    build_site()
    month = f"{timezone.localdate():%Y-%m}"
    call_command("take_snapshot", "--month", month, stdout=io.StringIO())
    found = {}
    for path in ("/reports/", f"/reports/monthly/{month}/", f"/reports/annual/{timezone.localdate().year}/"):
        assert session.go(path).status == 200, path
        if violations := axe_violations(session):
            found[path] = violations
    assert not found, found
