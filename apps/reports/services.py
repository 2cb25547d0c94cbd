"""Taking a month's snapshot (`take_snapshot`): from the projects' change history for a month
that has ended, so past months can be backfilled, and from today's data for the running month."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.appeals.selectors import appeal_rates
from apps.common.cache import PROJECTS, invalidate
from apps.common.dates import local_moment
from apps.places.models import Department
from apps.projects.models import Project
from apps.reports.models import FigureSnapshot, ProjectSnapshot, Snapshot


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_before(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _projects_as_of(moment: datetime) -> list[Project]:
    """Every project as it stood at `moment`: its last recorded version before then, or, for a
    project whose history starts later (rows loaded without history, e.g. straight into the tables),
    its current state if it already existed."""
    recorded: dict[int, Project] = {}
    # Two versions saved within the same instant are both "latest": keep the one saved last.
    for project in sorted(Project.history.as_of(moment), key=lambda p: p._history.history_id):
        recorded[project.pk] = project
    unrecorded = Project.objects.filter(created_at__lt=moment).exclude(
        Exists(Project.history.model.objects.filter(id=OuterRef("pk")))
    )
    return [*recorded.values(), *unrecorded]


def _subdistricts(project_ids: list[int]) -> dict[int, list[list]]:
    """Each project's 街道 as [[id, name], ...] (areas as they are now: their history is not kept)."""
    through = Project.areas.through.objects.filter(project_id__in=project_ids, area__subdistrict__isnull=False)
    result: dict[int, list[list]] = {}
    rows = through.values_list("project_id", "area__subdistrict_id", "area__subdistrict__name").order_by(
        "area__subdistrict__order", "area__subdistrict_id"
    )
    for project_id, area_id, name in rows:
        entry = result.setdefault(project_id, [])
        if [area_id, name] not in entry:
            entry.append([area_id, name])
    return result


def _topics(start: datetime, end: datetime, limit: int = 10) -> list[dict]:
    """The month's most frequent request topics, from categories only, never any text: the 问题分类
    where a request was classified, else its programme and type."""
    received = Appeal.objects.filter(submitted_at__gte=start, submitted_at__lt=end).order_by()
    classified = (
        received.filter(category__isnull=False)
        .values("category__code", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__code")[:limit]
    )
    unclassified = (
        received.filter(category__isnull=True)
        .values("programme__code", "kind")
        .annotate(n=Count("id"))
        .order_by("-n", "programme__code", "kind")[:limit]
    )
    topics = [{"category": r["category__name"], "count": r["n"]} for r in classified] + [
        {"programme": r["programme__code"] or "", "kind": r["kind"], "count": r["n"]} for r in unclassified
    ]
    topics.sort(key=lambda t: -t["count"])  # stable: classified topics first among equals
    return topics[:limit]


@transaction.atomic
def snapshot_take(*, month: date, now: datetime | None = None, replace: bool = False) -> Snapshot:
    """The snapshot of `month` (any day of it). A final snapshot (taken after the month ended) is
    returned unchanged unless `replace`; the running month's is retaken with today's data."""
    now = now or timezone.now()
    month = month.replace(day=1)
    existing = Snapshot.objects.select_for_update().filter(month=month).first()
    if existing is not None and existing.final and not replace:
        return existing
    start, end = local_moment(month), local_moment(month_after(month))
    as_of = min(now, end)
    day = timezone.localtime(as_of - timedelta(microseconds=1)).date()  # the last day it covers
    if existing is not None:
        existing.delete()
    snapshot = Snapshot.objects.create(
        month=month, taken_at=now, as_of=as_of, final=now >= end, topics=_topics(start, as_of)
    )
    projects = _projects_as_of(as_of)
    areas = _subdistricts([p.pk for p in projects])
    departments = dict(Department.objects.values_list("pk", "name"))
    ProjectSnapshot.objects.bulk_create(
        ProjectSnapshot(
            snapshot=snapshot,
            project_id=p.pk,
            title=p.title,
            programme_id=p.programme_id,
            year=p.year,
            is_public=p.is_public,
            is_top_level=p.parent_id is None,
            lead_department_id=p.lead_department_id if p.lead_department_id in departments else None,
            lead_department_name=departments.get(p.lead_department_id, ""),
            subdistricts=areas.get(p.pk, []),
            status=p.status,
            health=p.health_on(day),
            progress=p.progress,
            expected=p.expected_progress(day),
            planned_investment=p.planned_investment,
            invested=p.invested,
            planned_start=p.planned_start,
            planned_finish=p.planned_finish,
            actual_start=p.actual_start,
            actual_finish=p.actual_finish,
        )
        for p in projects
    )
    figures = []
    for group_by in ("subdistrict", "department"):
        for rates in appeal_rates(start=start, end=end, group_by=group_by, now=as_of):
            figures.append(
                FigureSnapshot(
                    snapshot=snapshot,
                    group_by=group_by,
                    key=rates.key,
                    name=rates.name,
                    received=rates.received,
                    responded_in_time=rates.responded_in_time,
                    due=rates.due,
                    resolved=rates.resolved,
                    rated=rates.rated,
                    satisfied=rates.satisfied,
                )
            )
    FigureSnapshot.objects.bulk_create(figures)
    invalidate(PROJECTS)  # project and programme pages show the trend from the snapshots
    return snapshot


def first_month_with_data() -> date | None:
    """The month of the first project or request: where a backfill starts."""
    first = [
        Project.objects.order_by("created_at").values_list("created_at", flat=True).first(),
        Appeal.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first(),
    ]
    known = [timezone.localtime(moment).date().replace(day=1) for moment in first if moment is not None]
    return min(known) if known else None


def snapshot_backfill(*, now: datetime | None = None) -> list[Snapshot]:
    """A snapshot of every ended month since the first data that has no final one yet."""
    now = now or timezone.now()
    first = first_month_with_data()
    if first is None:
        return []
    this_month = timezone.localtime(now).date().replace(day=1)
    done = set(Snapshot.objects.filter(final=True).values_list("month", flat=True))
    taken, month = [], first
    while month < this_month:
        if month not in done:
            taken.append(snapshot_take(month=month, now=now))
        month = month_after(month)
    return taken
