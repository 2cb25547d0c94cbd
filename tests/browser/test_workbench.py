"""The 街道 official's day starts on the workbench: at 1366×768, `kuishan` signs in and sees
奎山街道's own counts, and each count opens the list of exactly that many requests."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from apps.accounts.scoping import scope_of
from apps.appeals.models import Appeal
from apps.appeals.selectors import appeal_queue_counts
from apps.demo.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kuishan_sees_its_own_counts_and_each_opens_its_list(session):
    call_command("seed_demo", "--demo-accounts", "--projects", "12", "--requests", "150", stdout=io.StringIO())
    # Transactional tests flush the 工作人员 group's permissions that a migration granted.
    Group.objects.get(name="工作人员").permissions.add(
        *Permission.objects.filter(codename__in=["view_appeal", "change_appeal", "view_project", "change_project"])
    )
    from django.contrib.auth import get_user_model

    kuishan = get_user_model().objects.get(username="kuishan")
    expected = appeal_queue_counts(scope_of(kuishan).filter_appeals(Appeal.objects.all()))
    everywhere = appeal_queue_counts(Appeal.objects.all())
    assert expected != everywhere  # the demo spreads requests over all 14 街道

    page = session.page
    page.set_viewport_size({"width": 1366, "height": 768})
    session.go("/admin/login/")
    page.fill("#id_username", "kuishan")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".qs-workbench")
    session.screenshot("workbench-kuishan-1366", full_page=False)

    shown = {
        tile.get_attribute("data-queue"): int(tile.locator(".qs-tile-count").inner_text())
        for tile in page.locator("[data-group=appeals] .qs-tile").all()
    }
    assert shown == expected
    # The first tiles sit on the first screen, above the app list.
    assert page.locator("[data-queue=to_accept]").bounding_box()["y"] < 768
    assert page.locator(".qs-workbench").bounding_box()["y"] < page.locator("#content-main").bounding_box()["y"]

    for key in ("to_accept", "overdue", "due_48h"):
        session.go("/admin/")
        page.click(f"[data-queue={key}] a")
        page.wait_for_selector("#changelist")
        if expected[key]:
            summary = page.locator("#changelist .paginator").first.inner_text()
            assert int(re.search(r"(\d+) 件诉求", summary).group(1)) == expected[key], key
        else:
            assert page.locator("#result_list tbody tr").count() == 0
