"""axe-core (bundled with axe-playwright-python, injected from the local file) on the main
resident pages: no serious or critical violations."""

from __future__ import annotations

import pytest

from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def axe_violations(session) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    page = session.page
    sent: list[str] = []

    def record(request) -> None:
        if not request.url.endswith("/favicon.svg"):  # the browser's own, lazily
            sent.append(request.url)

    page.on("request", record)
    results = Axe().run(page)
    page.remove_listener("request", record)
    # axe's script comes from the pip package, evaluated in the page: it fetches nothing.
    assert sent == [], sent
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_axe_core_comes_from_the_installed_package():
    from axe_playwright_python import base

    assert base.AXE_FILE_PATH.is_file()
    assert "axe v4" in base.AXE_SCRIPT[:200]


DISPLAY_MODES = {
    "chinese": [],
    "english": [("django_language", "en")],
    "large-high-contrast": [("qs_text", "large"), ("qs_contrast", "high")],
}


@pytest.mark.parametrize("mode", list(DISPLAY_MODES))
def test_main_resident_pages_have_no_serious_accessibility_violations(session, mode):
    site = build_site()
    session.page.context.add_cookies(
        [{"name": name, "value": value, "url": session.base_url} for name, value in DISPLAY_MODES[mode]]
    )
    pages = {
        "home": "/",
        "project": f"/projects/{site.project.pk}/",
        "request-new": "/requests/new/",
        "request-track": "/requests/track/",
        "requests": "/requests/",
        "stats": "/stats/",
    }
    found = {}
    for name, path in pages.items():
        session.go(path)
        session.page.wait_for_load_state("networkidle")
        violations = axe_violations(session)
        if violations:
            found[path] = violations
        session.screenshot(f"axe-{mode}-{name}", full_page=False)
    assert not found, found


def test_submit_and_track_pages_with_errors_have_no_serious_accessibility_violations(session):
    build_site()
    page = session.page
    session.go("/requests/new/")
    page.get_by_role("button", name="提交").click()
    page.wait_for_selector("#form-errors")
    form_errors = axe_violations(session)
    session.screenshot("axe-request-new-errors")
    session.go("/requests/track/")
    page.get_by_label("受理编号").fill("QS-2020-000001")
    page.get_by_label("手机号码后四位").fill("0000")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#form-errors")
    track_errors = axe_violations(session)
    assert not form_errors and not track_errors, {"form": form_errors, "track": track_errors}
