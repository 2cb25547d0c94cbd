"""A 375-px phone with large text, in Chinese and in English, on every public page type:
nothing scrolls sideways, no navigation item breaks over two lines ("Request/s"), no date breaks
at its hyphens ("2026-" / "11-30"), and the 适老化 sizes hold (工信部《互联网网站适老化通用设计规范》):
controls at least 44×44 px, body text at least 16 px (18 px in the large-text mode) with line
spacing at least 1.3 (1.5 in paragraphs), and text contrast as WCAG AA asks (axe-core's
color-contrast rule).

"Large" is the site's own 大字 mode; "zoom200" is a browser set to 200 % text size (the root
font scaled to twice the default), which the layout must survive too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE_WIDTH
from tests.browser.site import build_full_site, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT_MODES = ["normal", "large", "zoom200"]
LANGUAGES = {"zh": "zh-hans", "en": "en"}

# What a page shows that breaks the rules, measured in the browser. Controls: buttons, fields,
# the navigation and other links styled as buttons; a link inside a sentence is exempt (WCAG
# 2.5.8), and a radio or check box counts with its label. Text: every element holding text.
MEASURE = r"""(width) => {
    const clipped = (el) => {
        for (let p = el; p; p = p.parentElement) {
            if (getComputedStyle(p).clip !== 'auto') return true;  // visually hidden (a stacked table's head)
        }
        return false;
    };
    const visible = (el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && r.right > 0 && s.visibility !== 'hidden' && !clipped(el)
            && !el.closest('[hidden], .visually-hidden, .skip-link, .hp-field, .leaflet-container');
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
        ' "' + (el.textContent || el.value || '').trim().slice(0, 20) + '"';
    const CONTROLS = 'button, select, textarea, summary, label.choice, .site-nav a, a.btn, .pagination a,' +
        ' .area-links a, .switch-btn, input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
    const small = [];
    for (const el of document.querySelectorAll(CONTROLS)) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
            small.push(name(el) + ' ' + Math.round(r.width) + '×' + Math.round(r.height));
        }
    }
    const fonts = [];
    const spacing = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || seen.has(el) || !node.data.trim() || ['SCRIPT', 'STYLE', 'OPTION'].includes(el.tagName)) continue;
        seen.add(el);
        if (!visible(el) || el.closest('svg, [role="img"]')) continue;
        const s = getComputedStyle(el);
        const size = parseFloat(s.fontSize);
        fonts.push([size, name(el)]);
        const BLOCKS = 'p, li, dd, dt, td, th, label, legend, h1, h2, h3, h4, figcaption, blockquote, a, button';
        const block = el.closest(BLOCKS) || el;
        const bs = getComputedStyle(block);
        if (bs.lineHeight !== 'normal') {
            const ratio = parseFloat(bs.lineHeight) / parseFloat(bs.fontSize);
            const needed = block.tagName === 'P' ? 1.5 : 1.3;
            if (ratio < needed - 0.01 && !block.matches('button, a.btn, .badge, summary, .site-nav a, .switch-btn')) {
                spacing.push(name(block) + ' ' + ratio.toFixed(2));
            }
        }
    }
    const navLines = [];
    for (const a of document.querySelectorAll('.site-nav a')) {
        const range = document.createRange();
        range.selectNodeContents(a);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) navLines.push(a.textContent.trim());
    }
    // A date split over two lines at its hyphens ("2026-" / "11-30"): each date's own box.
    const brokenDates = [];
    const dates = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = dates.nextNode(); node; node = dates.nextNode()) {
        if (!node.parentElement || !visible(node.parentElement)) continue;
        for (const match of node.data.matchAll(/\d{4}-\d{1,2}-\d{1,2}/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const rects = [...range.getClientRects()].filter((r) => r.width > 0);
            if (new Set(rects.map((r) => Math.round(r.top))).size > 1) brokenDates.push(match[0]);
        }
    }
    return {
        scrollWidth: document.scrollingElement.scrollWidth,
        innerWidth: window.innerWidth,
        small: [...new Set(small)].slice(0, 10),
        smallestFont: fonts.sort((a, b) => a[0] - b[0]).slice(0, 3),
        bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
        spacing: [...new Set(spacing)].slice(0, 10),
        navLines,
        brokenDates: [...new Set(brokenDates)].slice(0, 10),
    };
}"""

# Body text in every mode; every piece of text in the large-text modes (the rule's 18 px).
MIN_BODY = {"normal": 16, "large": 18, "zoom200": 32}
MIN_TEXT = {"large": 18, "zoom200": 18}
# The 公示牌 is a printed A5 card, sized in mm and pt for paper: it must fit the phone, but its
# type sizes follow the print.
PRINTED = {"board"}


def set_mode(session, language: str, text: str) -> None:
    cookies = [{"name": "django_language", "value": LANGUAGES[language], "url": session.base_url}]
    if text == "large":
        cookies.append({"name": "qs_text", "value": "large", "url": session.base_url})
    session.page.context.add_cookies(cookies)


def open_page(session, path: str, text: str) -> None:
    response = session.go(path)
    assert response.status in (200, 404), (path, response.status)
    session.page.wait_for_load_state("networkidle")
    if text == "zoom200":
        session.page.add_style_tag(content="html { font-size: 36px !important; }")
        session.page.wait_for_timeout(100)  # charts and maps re-measure on resize


@pytest.mark.parametrize("text", TEXT_MODES)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_public_page_fits_a_phone_with_large_text(session, language, text):
    full = build_full_site()
    set_mode(session, language, text)
    problems = {}
    for name, path in public_pages(full).items():
        open_page(session, path, text)
        m = session.page.evaluate(MEASURE, PHONE_WIDTH)
        found = {}
        if m["scrollWidth"] > m["innerWidth"]:
            found["scrolls sideways"] = m["scrollWidth"]
        if m["navLines"]:
            found["navigation items on two lines"] = m["navLines"]
        if m["brokenDates"]:
            found["dates broken over two lines"] = m["brokenDates"]
        if m["small"] and name not in PRINTED:
            found["controls under 44×44"] = m["small"]
        if name not in PRINTED:
            if m["bodyFont"] < MIN_BODY[text]:
                found["body text px"] = m["bodyFont"]
            if text in MIN_TEXT and m["smallestFont"] and m["smallestFont"][0][0] < MIN_TEXT[text] - 0.05:
                found["text under the minimum"] = m["smallestFont"]
            if m["spacing"]:
                found["line spacing"] = m["spacing"]
        if found:
            problems[path] = found
        if name in ("home", "project", "tracking", "request-new", "community"):
            session.screenshot(f"phone-{language}-{text}-{name}", full_page=False)
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_text_contrast_holds_on_every_public_page_in_large_text(session, language):
    from axe_playwright_python.sync_playwright import Axe

    full = build_full_site()
    set_mode(session, language, "large")
    axe = Axe()
    failures = {}
    for path in public_pages(full).values():
        open_page(session, path, "large")
        results = axe.run(session.page, options={"runOnly": {"type": "rule", "values": ["color-contrast"]}})
        nodes = [n["target"] for v in results.response["violations"] for n in v["nodes"]]
        if nodes:
            failures[path] = nodes[:5]
    assert not failures, failures
