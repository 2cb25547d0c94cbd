"""Reads behind the REST API, each with a fixed number of queries whatever the data or page size.

Public reads return only what residents may see (published projects, published requests);
private reads take the API key's scope (`ApiKey.appeal_scope`, the same `Scope` rules as
officials in the admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.scoping import Scope
from apps.appeals.figures import RequestTotals, figures_by, figures_total, request_totals
from apps.appeals.models import (
    Appeal,
    AppealCoAssignment,
    AppealEvent,
)
from apps.appeals.selectors import Rates, linked_public_projects, public_events, published_appeals, rates_ranked
from apps.places.models import Area, Department
from apps.programmes.models import Programme
from apps.projects.models import ProgressUpdate, Project, ProjectPhoto
from apps.projects.selectors import ProgrammeFigures, programme_figures, public_projects


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.annotate(
        project_count=Count(
            "projects", filter=Q(projects__is_public=True, projects__parent__isnull=True), distinct=True
        )
    ).order_by("order", "code")


def area_list() -> QuerySet[Area]:
    return Area.objects.order_by("level", "order", "id")


def department_list() -> QuerySet[Department]:
    return Department.objects.order_by("order", "id")


# --- Projects ----------------------------------------------------------------------------------


def _cover_image() -> Subquery:
    return Subquery(ProjectPhoto.objects.filter(project=OuterRef("pk")).order_by("-is_cover", "id").values("image")[:1])


def project_list() -> QuerySet[Project]:
    """The list's rows: programme and lead department joined, areas prefetched (one query),
    cover photo as an annotation. Count + page + areas = 3 queries."""
    return (
        public_projects()
        .select_related("programme", "lead_department")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("level", "order", "id")))
        .annotate(cover_image=_cover_image())
        .order_by("-updated_at", "-id")
    )


RECENT_UPDATES = 10


def project_detail() -> QuerySet[Project]:
    """One project with milestones, photos, co-departments, sub-projects and recent updates."""
    return project_list().prefetch_related(
        Prefetch("co_departments", queryset=Department.objects.order_by("order", "id")),
        Prefetch("milestones"),
        Prefetch("photos", queryset=ProjectPhoto.objects.order_by("-is_cover", "stage", "id")),
        Prefetch("subprojects", queryset=public_projects().order_by("id")),
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.order_by("-date", "-id").prefetch_related(
                Prefetch("photos", queryset=ProjectPhoto.objects.order_by("stage", "id"))
            )[:RECENT_UPDATES],
            to_attr="recent_updates",
        ),
    )


def project_updates(project: Project) -> QuerySet[ProgressUpdate]:
    return (
        ProgressUpdate.objects.filter(project=project)
        .prefetch_related(Prefetch("photos", queryset=ProjectPhoto.objects.order_by("stage", "id")))
        .order_by("-date", "-id")
    )


# --- Requests ----------------------------------------------------------------------------------


def scoped_appeals(scope: Scope) -> QuerySet[Appeal]:
    """All requests within an API key's scope, published or not, with their personal data."""
    return (
        scope.filter_appeals(Appeal.objects.all())
        .select_related("area", "subdistrict", "programme", "department", "category")
        .prefetch_related(linked_public_projects())
        .order_by("-submitted_at", "-id")
    )


def published_appeal_detail() -> QuerySet[Appeal]:
    """A published request with its public timeline: statuses and replies, never internal notes."""
    return published_appeals().prefetch_related(
        Prefetch(
            "events",
            queryset=public_events(),
            to_attr="timeline",
        )
    )


def scoped_appeal_detail(scope: Scope) -> QuerySet[Appeal]:
    return (
        scoped_appeals(scope)
        .select_related("merged_into")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AppealEvent.objects.select_related("department", "category")
                .prefetch_related("co_departments")
                .order_by("at", "id"),
                to_attr="event_list",
            ),
            Prefetch(
                "co_assignments",
                queryset=AppealCoAssignment.objects.select_related("department").order_by("assigned_at", "id"),
                to_attr="co_list",
            ),
        )
    )


# --- Statistics --------------------------------------------------------------------------------


@dataclass
class Stats:
    year: int
    first_day: date
    last_day: date
    programmes: list[ProgrammeFigures]
    requests: RequestTotals
    by_subdistrict: list[Rates]
    by_department: list[Rates]

    @property
    def projects_total(self) -> int:
        return sum(p.total for p in self.programmes)


def stats(*, year: int, first_day: date, last_day: date, now: datetime | None = None) -> Stats:
    """The dashboard's figures for `year`, and requests and 三率 received in [first_day, last_day],
    all from the rollups whatever the period (8 queries)."""
    now = now or timezone.now()
    by = figures_by(first_day=first_day, last_day=last_day, today=timezone.localdate(now))
    everywhere = figures_total(by["subdistrict"]).counts  # the 街道 add up to the district
    return Stats(
        year=year,
        first_day=first_day,
        last_day=last_day,
        programmes=programme_figures(year=year, today=timezone.localdate(now)),
        requests=request_totals(first_day=first_day, last_day=last_day, now=now, counts=everywhere),
        by_subdistrict=rates_ranked(by["subdistrict"]),
        by_department=rates_ranked(by["department"]),
    )
