"""Every part of the site works under the Content-Security-Policy (scripts only from our own
files, no 'unsafe-inline'): the public pages with their ECharts charts and Leaflet map, the API
docs (Swagger UI), the back office and the second-factor pages. The `session` fixture fails a
test on any violation the browser reports; these tests make sure each part is really drawn."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Quanshan-2026-csp"


def test_the_csp_header_has_no_inline_scripts(session):
    build_site()
    response = session.go("/")
    policy = response.headers["content-security-policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src


def test_charts_and_the_map_are_drawn(session):
    site = build_site()
    session.go(f"/projects/{site.project.pk}/")
    session.page.wait_for_selector("#map .leaflet-container, #map.leaflet-container", state="attached")
    session.go("/")
    session.page.wait_for_selector("[data-chart] svg", state="attached")


def test_the_api_docs_load(session):
    build_site()
    session.go("/api/docs/")
    session.page.wait_for_selector(".swagger-ui .information-container .title")
    assert "泉山六心 API" in session.page.inner_text(".swagger-ui .information-container .title")


def test_the_back_office_and_the_second_factor_pages_work(session, settings):
    site = build_site()
    settings.OFFICIAL_2FA_REQUIRED = True
    # A superuser: transactional tests flush the 工作人员 group that a migration made.
    official = f.official("district", password=PASSWORD)
    official.is_superuser = True
    official.save()
    page = session.page
    session.go("/admin/login/")
    page.fill("#id_username", "district")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/accounts/2fa/setup/**")
    assert page.locator(".qs-qr svg").count() == 1

    settings.OFFICIAL_2FA_REQUIRED = False
    for path in (
        "/admin/",
        "/admin/appeals/appeal/",
        f"/admin/projects/project/{site.project.pk}/change/",
        "/admin/audit/auditentry/",
        "/admin/auth/user/",
    ):
        session.go(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("#content").count() == 1, path
