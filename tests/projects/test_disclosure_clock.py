"""The 政务公开 clock: a public project's changes are published within 20 working days
(《政府信息公开条例》第二十六条); the workbench lists those that are late, pages say when."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.workdays import working_days_before
from apps.projects.models import Project, ProjectStatus
from apps.projects.selectors import disclosure_cutoff, project_queue_counts, projects_in_queue
from apps.projects.services import project_post_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_working_days_before_skips_weekends_and_holidays(settings):
    settings.HOLIDAYS = ["2026-10-01", "2026-10-02"]
    settings.EXTRA_WORKDAYS = ["2026-10-10"]  # a Saturday made a working day
    assert working_days_before(date(2026, 10, 12), 1) == date(2026, 10, 10)  # Monday → the working Saturday
    assert working_days_before(date(2026, 10, 5), 1) == date(2026, 9, 30)  # over the weekend and the holiday
    assert working_days_before(date(2026, 12, 2), 20) == date(2026, 11, 4)


def aged(project: Project, working_days: int) -> Project:
    """Last changed at noon, local time, `working_days` working days ago. (Built from the UTC
    clock, the moment fell on the next local day between 16:00 and 24:00 UTC.)"""
    day = working_days_before(timezone.localdate(), working_days)
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    Project.objects.filter(pk=project.pk).update(updated_at=moment)
    return Project.objects.get(pk=project.pk)


def late_ids() -> set[int]:
    return set(projects_in_queue(Project.objects.all(), "disclosure").values_list("pk", flat=True))


def test_a_public_project_under_way_unchanged_for_21_working_days_is_late():
    late = aged(f.project(status=ProjectStatus.IN_PROGRESS), 21)
    suspended = aged(f.project(status=ProjectStatus.SUSPENDED), 25)
    on_time = aged(f.project(status=ProjectStatus.IN_PROGRESS), 19)
    aged(f.project(status=ProjectStatus.COMPLETED), 40)
    aged(f.project(status=ProjectStatus.IN_PROGRESS, is_public=False), 40)
    assert late_ids() == {late.pk, suspended.pk}
    assert on_time.updated_at >= disclosure_cutoff(timezone.localdate())
    assert project_queue_counts(Project.objects.all())["disclosure"] == 2


def test_a_new_progress_update_restarts_the_clock():
    project = aged(f.project(status=ProjectStatus.IN_PROGRESS), 30)
    assert late_ids() == {project.pk}
    project_post_update(project=project, text="路面已摊铺完成", progress=project.progress)
    aged(project, 30)  # the project row itself stays old: only the new 进展 restarts the clock
    assert late_ids() == set()


def test_the_workbench_counts_late_projects_and_links_their_list(client):
    from tests.admin.conftest import staff

    late = aged(f.project(status=ProjectStatus.IN_PROGRESS, title="背街小巷改造"), 22)
    aged(f.project(status=ProjectStatus.IN_PROGRESS, title="口袋公园"), 3)
    client.force_login(staff(f.official("district")))
    page = client.get(reverse("admin:index")).content.decode()
    assert "政务公开超期" in page
    listing = client.get(reverse("admin:projects_project_changelist") + "?queue=disclosure")
    assert [p.pk for p in listing.context["cl"].result_list] == [late.pk]


def test_the_project_page_says_when_its_information_was_updated(client, django_capture_on_commit_callbacks):
    project = aged(f.project(status=ProjectStatus.IN_PROGRESS), 5)
    page = client.get(reverse("public:project_detail", args=[project.pk])).content.decode()
    stamp = timezone.localtime(project.updated_at).date().isoformat()
    assert "信息更新于：<time" in page and f">{stamp}</time>" in page
    with django_capture_on_commit_callbacks(execute=True):  # the page's cache is invalidated on commit
        update = project_post_update(project=project, text="完成管网铺设", progress=project.progress)
    page = client.get(reverse("public:project_detail", args=[project.pk])).content.decode()
    assert f">{timezone.localtime(update.created_at).date().isoformat()}</time>" in page


def test_the_project_page_says_it_in_english(client):
    project = f.project(status=ProjectStatus.IN_PROGRESS)
    page = client.get(reverse("public:project_detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Information updated" in page
