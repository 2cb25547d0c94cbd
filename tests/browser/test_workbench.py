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
    from tests.browser.site import ensure_programmes

    ensure_programmes()  # another transactional test may have flushed the data migration's programmes
    call_command("seed_demo", "--demo-accounts", "--projects", "12", "--requests", "150", stdout=io.StringIO())
    # Transactional tests flush the 工作人员 group's permissions that a migration granted.
    Group.objects.get(name="工作人员").permissions.add(
        *Permission.objects.filter(codename__in=["view_appeal", "change_appeal", "view_project", "change_project"])
    )
    from django.contrib.auth import get_user_model

    kuishan = get_user_model().objects.get(username="kuishan")
    scope = scope_of(kuishan)
    # As the workbench counts them: the 协办 queues are the 街道办事处's own co-assignments.
    expected = appeal_queue_counts(scope.filter_appeals(Appeal.objects.all()), scope=scope)
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


def test_an_official_posts_progress_with_photos_on_both_kinds_of_project(session, small_jpeg):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.projects.models import Milestone, ProjectStatus
    from apps.projects.services import milestone_save
    from tests import factories as f
    from tests.browser.site import ensure_programmes

    ensure_programmes()  # an earlier transactional test flushed the data migration's programmes
    password = "Quanshan-2026-bench"
    official = f.official("district", password=password)
    official.is_superuser = True  # transactional tests flush the 工作人员 group
    official.save()
    today = timezone.localdate()
    by_nodes = f.project(title="奎园小区加装电梯", status=ProjectStatus.IN_PROGRESS, is_public=True)
    for title, weight, days, done in (
        ("方案设计", 2, -60, True),
        ("井道施工", 1, -5, False),
        ("设备安装", 2, 30, False),
    ):
        milestone_save(
            milestone=Milestone(
                project=by_nodes,
                title=title,
                weight=weight,
                planned_date=today + timedelta(days=days),
                completed_on=today - timedelta(days=70) if done else None,
            )
        )
    by_hand = f.project(title="奎西口袋公园", status=ProjectStatus.IN_PROGRESS, is_public=True, progress=Decimal("20"))

    page = session.page
    page.set_viewport_size({"width": 1366, "height": 768})
    session.go("/admin/login/")
    page.fill("#id_username", "district")
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector(".qs-workbench")

    session.go(f"/admin/projects/project/{by_nodes.pk}/post-update/")
    assert "井道施工" in page.inner_text(".qs-late-milestones")
    page.fill("#id_text", "井道施工完成，下周安装设备。")
    page.get_by_label("井道施工", exact=False).check()
    page.click("input[name=_preview]")
    assert "发布后进度为 60.0%" in page.inner_text(".qs-computed")
    session.screenshot("post-update-milestones-1366", full_page=False)
    page.set_input_files("#id_photos", str(small_jpeg))
    page.click("input.default[type=submit]")
    page.wait_for_selector(".messagelist")

    session.go(f"/admin/projects/project/{by_hand.pk}/post-update/")
    page.fill("#id_text", "园路铺装完成 75%。")
    page.fill("#id_progress", "75")
    page.set_input_files("#id_photos", str(small_jpeg))
    page.click("input.default[type=submit]")
    page.wait_for_selector(".messagelist")

    for project, text, figure in (
        (by_nodes, "井道施工完成，下周安装设备。", "60"),
        (by_hand, "园路铺装完成 75%。", "75"),
    ):
        session.go(f"/projects/{project.pk}/")
        timeline = page.inner_text("[aria-labelledby=updates-title]")
        assert text in timeline and figure in timeline, timeline
        assert page.locator("[aria-labelledby=updates-title] img").count() == 1
    f.project(title="泰山路口袋公园", status=ProjectStatus.IN_PROGRESS, progress=Decimal("5"))
    session.go("/admin/projects/project/behind/")
    assert "落后 45.0 个百分点" in page.inner_text("#behind")
    session.screenshot("behind-schedule-1366", full_page=False)
