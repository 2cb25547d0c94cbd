"""每月一题 on a phone: the chart is drawn from our own ECharts, and without JavaScript the same
numbers stay readable in the table."""

from __future__ import annotations

import pytest

from tests.browser.site import build_full_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_topic_page_draws_its_chart_and_keeps_the_table(session, browser):
    full = build_full_site()
    session.go(full.topic_path)
    page = session.page
    page.wait_for_selector(".chart svg")
    assert page.locator(".chart").is_visible()
    assert page.locator("table tbody tr").count() >= 1
    assert page.get_by_text("修补路面1200平方米").is_visible()
    assert not session.external  # ECharts comes from our own static files
    # Without JavaScript: no chart, the table with the same months.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    try:
        plain = context.new_page()
        plain.goto(session.base_url + full.topic_path)
        assert plain.locator(".chart").is_hidden()
        assert plain.locator("table tbody tr").count() == page.locator("table tbody tr").count()
    finally:
        context.close()
