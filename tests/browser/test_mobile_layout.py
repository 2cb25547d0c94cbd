"""At a 375-pixel-wide phone screen, no main page scrolls sideways (in normal and large text)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE_WIDTH
from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def main_pages(site) -> dict[str, str]:
    return {
        "home": "/",
        "programme": "/programmes/bianmin/",
        "projects": "/projects/",
        "project": f"/projects/{site.project.pk}/",
        "request-new": "/requests/new/",
        "request-track": "/requests/track/",
        "requests": "/requests/",
        "stats": "/stats/",
    }


def horizontal_overflow(page) -> dict:
    """The page's scroll width and the widest elements sticking out of the viewport, for the message."""
    return page.evaluate(
        """(width) => {
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 0.5 && getComputedStyle(el).position !== 'fixed') {
                    let inScroller = false;
                    for (let p = el.parentElement; p; p = p.parentElement) {
                        const o = getComputedStyle(p).overflowX;
                        if (o === 'auto' || o === 'scroll' || o === 'hidden') { inScroller = true; break; }
                    }
                    const name = el.tagName.toLowerCase() + '.' + el.className;
                    if (!inScroller) out.push(name + ' → ' + Math.round(r.right));
                }
            }
            return {scrollWidth: document.documentElement.scrollWidth, culprits: out.slice(0, 8)};
        }""",
        PHONE_WIDTH,
    )


@pytest.mark.parametrize("text_size", ["normal", "large"])
def test_main_pages_have_no_horizontal_scroll_on_a_phone(session, text_size):
    site = build_site()
    if text_size == "large":
        session.page.context.add_cookies([{"name": "qs_text", "value": "large", "url": session.base_url}])
    failures = {}
    for name, path in main_pages(site).items():
        response = session.go(path)
        assert response.status == 200, path
        session.page.wait_for_load_state("networkidle")
        result = horizontal_overflow(session.page)
        session.screenshot(f"mobile-{text_size}-{name}")
        if result["scrollWidth"] > PHONE_WIDTH:
            failures[path] = result
    assert not failures, failures


def test_the_tracking_number_fits_a_phone_screen(session):
    build_site()
    page = session.page
    session.go("/requests/new/")
    page.get_by_label("所在街道").select_option(label="泰山街道")
    page.get_by_label("标题").fill("路灯不亮")
    page.get_by_label("详细情况").fill("路口的路灯不亮。")
    page.get_by_label("您的姓名").fill("孙丽")
    page.get_by_label("手机号码").fill("13800005678")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("[data-tracking-no]")
    box = page.locator("[data-tracking-no]").bounding_box()
    assert box["x"] + box["width"] <= PHONE_WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    session.screenshot("mobile-normal-request-submitted")
