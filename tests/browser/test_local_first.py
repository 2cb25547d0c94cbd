"""On a 375-px phone, a resident picks their 街道 and 社区 from the home page and sees that
社区's projects on the first screen: in Chinese and in English, with normal and large text."""

from __future__ import annotations

import pytest

from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


LANGUAGES = {"zh": "zh-hans", "en": "en"}


def choose(page, select: str, label: str) -> None:
    """Pick an option and send the picker's own form, as a phone without JavaScript would."""
    page.select_option(select, label=label)
    page.locator(select).locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("text", ["normal", "large"])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_resident_picks_a_community_and_sees_its_projects_on_the_first_screen(session, language, text):
    site = build_site()
    page = session.page
    cookies = [{"name": "django_language", "value": LANGUAGES[language], "url": session.base_url}]
    if text == "large":
        cookies.append({"name": "qs_text", "value": "large", "url": session.base_url})
    page.context.add_cookies(cookies)
    session.go("/")
    choose(page, "#pick-subdistrict", "泰山街道")
    choose(page, "#pick-community", "康居社区")
    heading = page.locator("#local-title")
    assert "康居社区" in heading.inner_text() and "泰山街道" in heading.inner_text()
    link = page.locator("#local .local__projects").get_by_role("link", name=site.project.title)
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"], (
        f"the project is not on the first screen: {box}"
    )
    session.screenshot(f"home-local-375-{language}-{text}", full_page=False)
    # The choice is remembered: the next visit opens with it too.
    session.go("/")
    assert "康居社区" in page.locator("#local-title").inner_text()


@pytest.mark.parametrize("text", ["normal", "large"])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_project_page_shows_its_latest_progress_on_the_first_screen(session, language, text):
    site = build_site()
    page = session.page
    cookies = [{"name": "django_language", "value": LANGUAGES[language], "url": session.base_url}]
    if text == "large":
        cookies.append({"name": "qs_text", "value": "large", "url": session.base_url})
    page.context.add_cookies(cookies)
    session.go(f"/projects/{site.project.pk}/")
    latest = site.project.updates.order_by("-date", "-id").first()
    line = page.locator(".latest-update p").first
    assert latest.text[:6] in line.inner_text()
    session.screenshot(f"project-latest-375-{language}-{text}", full_page=False)
    # Its date and first line of text: where a resident starts reading before scrolling.
    first_line_bottom = line.evaluate(
        "(p) => { const r = document.createRange(); r.selectNodeContents(p); return r.getClientRects()[0].bottom; }"
    )
    assert first_line_bottom <= page.viewport_size["height"], (
        f"the latest 进展 is not on the first screen: its first line ends at {first_line_bottom}"
    )
