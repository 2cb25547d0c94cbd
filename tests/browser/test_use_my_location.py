"""On the home page, "使用我的位置" asks for the position only when tapped, picks the nearest
社区 on the phone from the areas' public points, and opens 你的社区; a refusal or a place far
outside the district gets a plain message and the selects still work."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.places.models import Area, AreaLevel
from apps.places.services import area_create
from tests.browser.site import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def place_communities(site) -> None:
    """康居 and 文昌 two kilometres apart; a 小区 of 文昌 right next to the phone's position."""
    Area.objects.filter(pk=site.community.pk).update(latitude=Decimal("34.2600"), longitude=Decimal("117.1800"))
    wenchang = Area.objects.get(name="文昌社区")
    Area.objects.filter(pk=wenchang.pk).update(latitude=Decimal("34.2400"), longitude=Decimal("117.1800"))
    area_create(
        name="文昌小区",
        level=AreaLevel.COMPOUND,
        parent=wenchang,
        latitude=Decimal("34.2430"),
        longitude=Decimal("117.1810"),
    )


def test_nothing_is_asked_until_the_button_is_tapped_and_the_nearest_community_opens(session):
    site = build_site()
    place_communities(site)
    page = session.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "points.json" in request.url else None)
    page.context.set_geolocation({"latitude": 34.2585, "longitude": 117.1795})  # 170 m from 康居社区
    session.go("/")
    button = page.get_by_role("button", name="使用我的位置")
    assert button.is_visible()
    assert asked == [], "the points are fetched only after the tap"
    page.context.grant_permissions(["geolocation"])
    button.click()
    page.wait_for_url("**/#local")
    assert "康居社区" in page.locator("#local-title").inner_text()
    link = page.locator("#local .local__projects").get_by_role("link", name=site.project.title)
    assert link.is_visible()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["qs_area"] == str(site.community.pk)
    assert len(asked) == 1
    session.screenshot("locate-found-375", full_page=False)


def test_a_compound_point_counts_for_its_community(session):
    site = build_site()
    place_communities(site)
    page = session.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 34.2440, "longitude": 117.1812})
    session.go("/")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url("**/#local")
    assert "文昌社区" in page.locator("#local-title").inner_text()


def test_a_refusal_gets_a_plain_message_and_the_selects_still_work(session):
    build_site()
    page = session.page
    session.go("/")  # no permission granted: headless chromium refuses
    page.get_by_role("button", name="使用我的位置").click()
    status = page.locator("[data-locate-status]")
    status.filter(has_text="没有得到位置权限").wait_for()
    assert page.get_by_role("button", name="使用我的位置").is_enabled()
    page.select_option("#pick-subdistrict", label="泰山街道")
    page.get_by_role("button", name="确定").click()
    page.wait_for_load_state("load")
    assert page.locator("#pick-community option", has_text="康居社区").count() == 1
    session.screenshot("locate-denied-375", full_page=False)


def test_far_outside_the_district_nothing_is_chosen(session):
    site = build_site()
    place_communities(site)
    page = session.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 39.9042, "longitude": 116.4074})  # Beijing
    session.go("/")
    page.get_by_role("button", name="使用我的位置").click()
    page.locator("[data-locate-status]").filter(has_text="不在泉山区内").wait_for()
    assert "qs_area" not in {c["name"] for c in page.context.cookies()}


def test_in_english_the_button_and_its_messages_read_in_english(session):
    build_site()
    page = session.page
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": session.base_url}])
    session.go("/")
    page.get_by_role("button", name="Use my location").click()
    page.locator("[data-locate-status]").filter(has_text="Location permission was not given").wait_for()
