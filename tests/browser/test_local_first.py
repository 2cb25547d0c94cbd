"""On a 375-px phone, a resident picks their 街道 and 社区 from the home page and sees that
社区's projects on the first screen."""

from __future__ import annotations

import pytest

from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_picks_a_community_and_sees_its_projects_on_the_first_screen(session):
    site = build_site()
    page = session.page
    session.go("/")
    page.select_option("#pick-subdistrict", label="泰山街道")
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state("load")
    page.select_option("#pick-community", label="康居社区")
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state("load")
    heading = page.locator("#local-title")
    assert "康居社区" in heading.inner_text() and "泰山街道" in heading.inner_text()
    link = page.locator("#local .local__projects").get_by_role("link", name=site.project.title)
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"], (
        f"the project is not on the first screen: {box}"
    )
    session.screenshot("home-local-375", full_page=False)
    # The choice is remembered: the next visit opens with it too.
    session.go("/")
    assert "康居社区" in page.locator("#local-title").inner_text()
