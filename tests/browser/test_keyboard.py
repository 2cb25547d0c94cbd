"""Every control of every public page type is reached by the keyboard and shows where the focus
is (适老化: 工信部《互联网网站适老化通用设计规范》, WCAG 2.1.1 and 2.4.7), in Chinese and in English."""

from __future__ import annotations

import pytest

from tests.browser.site import build_full_site, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh": "zh-hans", "en": "en"}

# The visible controls a keyboard user must reach, each with a key of its own to match them up.
CONTROLS = r"""() => {
    // Inside a closed <details> only its summary is there to reach until it is opened.
    const folded = (el) => {
        const details = el.closest('details:not([open])');
        return !!details && !(el.tagName === 'SUMMARY' && el.parentElement === details);
    };
    const visible = (el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
            && !el.closest('[hidden], .hp-field, .leaflet-container, [aria-hidden="true"]')
            && !folded(el);
    };
    const SELECTOR = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),' +
        ' select:not([disabled]), textarea:not([disabled]), summary';
    const all = [...document.querySelectorAll(SELECTOR)].filter(visible);
    all.forEach((el, i) => el.setAttribute('data-kb', String(i)));
    // Radio buttons of one group take one Tab stop (arrows move within it).
    const groups = new Set();
    const stops = all.filter((el) => {
        if (el.type !== 'radio') return true;
        if (groups.has(el.name)) return false;
        groups.add(el.name);
        return true;
    });
    const key = (el) => el.getAttribute('data-kb');
    const label = (el) => (el.textContent || el.value || el.name || '').trim().slice(0, 24);
    return {
        stops: stops.map(key),
        radios: Object.fromEntries(all.filter((el) => el.type === 'radio').map((el) => [key(el), el.name])),
        names: Object.fromEntries(all.map((el) => [key(el), el.tagName.toLowerCase() + ' "' + label(el) + '"'])),
        unreachable: all.filter((el) => el.tabIndex < 0).map(key),
    };
}"""

# Where the focus is now, and whether it shows: an outline or a ring drawn around it.
FOCUSED = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    const ring = s.boxShadow && s.boxShadow !== 'none';
    return {kb: el.getAttribute('data-kb'), shown: outlined || !!ring, radio: el.type === 'radio' ? el.name : null};
}"""


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_control_is_reached_by_tab_and_shows_its_focus(session, language):
    full = build_full_site()
    language_cookie = {"name": "django_language", "value": LANGUAGES[language], "url": session.base_url}
    session.page.context.add_cookies([language_cookie])
    problems = {}
    for path in public_pages(full).values():
        response = session.go(path)
        assert response.status in (200, 404), (path, response.status)
        session.page.wait_for_load_state("networkidle")
        controls = session.page.evaluate(CONTROLS)
        reached, shown = set(), set()
        wanted = set(controls["stops"])
        # Maps, charts and sortable tables add Tab stops of their own: press on until every
        # control has had the focus, within a bound.
        for _ in range(2 * len(wanted) + 40):
            if wanted <= reached:
                break
            session.page.keyboard.press("Tab")
            focused = session.page.evaluate(FOCUSED)
            if focused is None or focused["kb"] is None:
                continue
            if focused["radio"]:  # the whole group is reached
                group = [k for k, name in controls["radios"].items() if name == focused["radio"]]
                reached.update(group)
                if focused["shown"]:
                    shown.update(group)
            reached.add(focused["kb"])
            if focused["shown"]:
                shown.add(focused["kb"])
        # A date field takes several Tab stops (year, month, day) inside itself: it must show
        # the focus at least while one of them has it.
        hidden_focus = [controls["names"][k] for k in sorted(reached - shown, key=int) if k in controls["names"]]
        found = {}
        missed = [controls["names"][k] for k in controls["stops"] if k not in reached]
        if missed:
            found["not reached by Tab"] = missed[:8]
        if controls["unreachable"]:
            found["taken out of the tab order"] = [controls["names"][k] for k in controls["unreachable"]][:8]
        if hidden_focus:
            found["focus not visible"] = hidden_focus[:8]
        if found:
            problems[path] = found
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
