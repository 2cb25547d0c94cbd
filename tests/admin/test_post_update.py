"""发布进展: one back-office page per project posts a 进展 with its photos through
project_post_update; a milestone-driven project takes ticks and shows the progress they give
before saving, and a figure the official typed is never silently changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import Milestone, ProgressUpdate, ProjectStatus
from apps.projects.services import milestone_save
from tests import factories as f
from tests.admin.test_project_admin import change_url, form_data, inline

pytestmark = pytest.mark.django_db


def post_url(project) -> str:
    return reverse("admin:projects_project_post_update", args=[project.pk])


def milestone(project, title, weight, *, days=0, done=False):
    today = timezone.localdate()
    return milestone_save(
        milestone=Milestone(
            project=project,
            title=title,
            weight=weight,
            planned_date=today + timedelta(days=days),
            completed_on=today - timedelta(days=1) if done else None,
        )
    )


@pytest.fixture
def elevator():
    """A published milestone-driven project: 2 of 5 weights done (40 %), one node overdue."""
    project = f.project(status=ProjectStatus.IN_PROGRESS, is_public=True, title="奎园小区加装电梯")
    milestone(project, "方案设计", 2, days=-60, done=True)
    milestone(project, "井道施工", 1, days=-5)
    milestone(project, "设备安装", 2, days=30)
    return project


def test_the_page_lists_overdue_milestones_and_previews_the_progress(as_official, district_official, elevator):
    client = as_official(district_official)
    page = client.get(post_url(elevator)).content.decode()
    assert "当前进度 40.0%" in page
    late = page.split("qs-late-milestones", 1)[1].split("</div>", 1)[0]
    assert "井道施工" in late and "设备安装" not in late
    assert 'name="progress"' not in page  # computed here, never typed
    shaft = elevator.milestones.get(title="井道施工")
    response = client.post(
        post_url(elevator),
        {
            "date": str(timezone.localdate()),
            "text": "井道完工",
            "milestones": [shaft.pk],
            "stage": "during",
            "_preview": "1",
        },
    )
    assert response.status_code == 200
    assert "发布后进度为 60.0%" in response.content.decode()
    assert not elevator.updates.exists()  # a preview saves nothing


def test_ticking_milestones_posts_the_update_with_its_photos_on_the_public_timeline(
    as_official, district_official, elevator
):
    shaft = elevator.milestones.get(title="井道施工")
    text = "井道施工完成，\n下周进场安装设备。"
    response = as_official(district_official).post(
        post_url(elevator),
        {
            "date": str(timezone.localdate()),
            "text": text,
            "milestones": [shaft.pk],
            "stage": "during",
            "photos": [f.jpeg_with_gps("井道.jpg"), f.jpeg_with_gps("机房.jpg")],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    update = ProgressUpdate.objects.get(project=elevator)
    assert (update.text, update.progress, update.author) == (text, Decimal("60.0"), district_official)
    assert update.photos.count() == 2
    shaft.refresh_from_db()
    assert shaft.completed_on == update.date
    public = as_official(district_official).get(f"/projects/{elevator.pk}/").content.decode()
    assert "井道施工完成" in public and "60" in public
    for photo in update.photos.all():
        assert photo.image.url in public


def test_a_hand_set_project_takes_the_figure_exactly_as_typed(as_official, district_official):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    response = as_official(district_official).post(
        post_url(project), {"date": str(timezone.localdate()), "text": "主体完工", "progress": "75", "stage": "during"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.progress == Decimal("75.0") == project.updates.get().progress


def test_the_inline_refuses_a_figure_the_milestones_do_not_give(as_official, district_official, elevator):
    data = form_data(elevator)
    data.update(inline("updates", [{"date": str(timezone.localdate()), "text": "主体完工", "progress": "75"}]))
    response = as_official(district_official).post(change_url(elevator), data)
    assert response.status_code == 200
    assert "不能填写为 75" in response.content.decode()
    elevator.refresh_from_db()
    assert elevator.progress == Decimal("40.0") and not elevator.updates.exists()


def test_an_official_out_of_scope_cannot_open_the_page(as_official, kuishan_official, elevator):
    assert as_official(kuishan_official).get(post_url(elevator)).status_code == 404


def test_the_change_page_links_to_the_post_update_page(as_official, district_official, elevator):
    assert post_url(elevator) in as_official(district_official).get(change_url(elevator)).content.decode()
