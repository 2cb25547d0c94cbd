"""Reads of projects shared by the public site and the API: what the public may see, the
schedule colours (红黄绿灯) computed in the database, projects in an area and each programme's
figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.places.models import Area
from apps.places.selectors import area_subtree_q
from apps.programmes.models import Programme
from apps.projects.models import Health, ProgressUpdate, Project, ProjectPhoto, ProjectStatus, investment_ratio


def public_project_q(prefix: str = "") -> Q:
    """Published projects; a sub-project only while its parent is published too.
    `prefix` reaches the project through a relation, e.g. "project__" from a 进展."""
    return Q(**{f"{prefix}is_public": True}) & (
        Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__is_public": True})
    )


def public_photo_exists(*, name: str) -> bool:
    """Whether `name` (a path in the media storage) is a photo of a published project: one
    indexed look-up by the project id its path starts with."""
    folder, _slash, rest = name.partition("/")
    project_id = rest.partition("/")[0]
    if folder != "projects" or not (project_id.isascii() and project_id.isdigit()) or len(project_id) > 18:
        return False
    return ProjectPhoto.objects.filter(public_project_q("project__"), project_id=int(project_id), image=name).exists()


def public_projects() -> QuerySet[Project]:
    return Project.objects.filter(public_project_q())


def health_q(health: str, today: date | None = None, prefix: str = "") -> Q:
    """Projects of one schedule colour today, computed in the database from the stored
    `yellow_from` / `red_from` dates (see `Project`)."""
    today = today or timezone.localdate()
    red_from, yellow_from = f"{prefix}red_from", f"{prefix}yellow_from"
    not_red = Q(**{f"{red_from}__isnull": True}) | Q(**{f"{red_from}__gt": today})
    if health == Health.RED:
        return Q(**{f"{red_from}__lte": today})
    if health == Health.YELLOW:
        return Q(**{f"{yellow_from}__lte": today}) & not_red
    if health == Health.GREEN:
        return (Q(**{f"{yellow_from}__isnull": True}) | Q(**{f"{yellow_from}__gt": today})) & not_red
    raise ValueError(f"unknown health {health!r}")


def projects_in_area(queryset: QuerySet[Project], area_id: int, *, with_subdistrict: bool = False) -> QuerySet[Project]:
    """The projects of `queryset` that touch the area or any area below it (a 街道 takes its
    社区 and 小区), each once however many of those areas it touches.

    `with_subdistrict` adds the projects of the area's 街道 itself (a 社区's residents live
    with its 街道-wide work too), each annotated `in_subdistrict`: true for those that do not
    touch the area's own subtree."""
    through = Project.areas.through.objects
    own = through.filter(area_id__in=Area.objects.filter(area_subtree_q(area_id)).values("pk"))
    if not with_subdistrict:
        return queryset.filter(pk__in=own.values("project_id"))
    subdistrict = Area.objects.filter(pk=area_id).exclude(subdistrict_id=area_id).values("subdistrict_id")
    wider = through.filter(area_id__in=subdistrict)
    return queryset.filter(Q(pk__in=own.values("project_id")) | Q(pk__in=wider.values("project_id"))).annotate(
        in_subdistrict=~Exists(own.filter(project_id=OuterRef("pk")))
    )


@dataclass
class ProgrammeFigures:
    programme: Programme
    total: int
    completed: int
    in_progress: int
    planned: int
    suspended: int
    average_progress: Decimal | None
    planned_investment: Decimal
    invested: Decimal
    red: int
    yellow: int

    @property
    def green(self) -> int:
        return self.total - self.red - self.yellow

    @property
    def investment_ratio(self) -> Decimal | None:
        return investment_ratio(self.planned_investment, self.invested)


def programme_figures(*, year: int, today: date | None = None, code: str | None = None) -> list[ProgrammeFigures]:
    """Per programme, its published top-level projects of `year`: counts by status and
    health, average progress and money (one query)."""
    today = today or timezone.localdate()
    base = Q(projects__is_public=True, projects__parent__isnull=True, projects__year=year)

    def count(extra: Q | None = None) -> Count:
        return Count("projects", filter=base & extra if extra is not None else base)

    qs = Programme.objects.order_by("order", "code")
    if code is not None:
        qs = qs.filter(code=code)
    rows = qs.annotate(
        n_total=count(),
        n_completed=count(Q(projects__status=ProjectStatus.COMPLETED)),
        n_in_progress=count(Q(projects__status=ProjectStatus.IN_PROGRESS)),
        n_planned=count(Q(projects__status=ProjectStatus.PLANNED)),
        n_suspended=count(Q(projects__status=ProjectStatus.SUSPENDED)),
        n_red=count(health_q(Health.RED, today, "projects__")),
        n_yellow=count(health_q(Health.YELLOW, today, "projects__")),
        avg_progress=Avg("projects__progress", filter=base),
        sum_planned=Sum("projects__planned_investment", filter=base),
        sum_invested=Sum("projects__invested", filter=base),
    )
    return [
        ProgrammeFigures(
            programme=p,
            total=p.n_total,
            completed=p.n_completed,
            in_progress=p.n_in_progress,
            planned=p.n_planned,
            suspended=p.n_suspended,
            average_progress=(Decimal(p.avg_progress).quantize(Decimal("0.1")) if p.avg_progress is not None else None),
            planned_investment=p.sum_planned or Decimal("0"),
            invested=p.sum_invested or Decimal("0"),
            red=p.n_red,
            yellow=p.n_yellow,
        )
        for p in rows
    ]


# --- The officials' to-do queues (今日待办) ------------------------------------------------------


def stale_q(today: date) -> Q:
    """Projects under way with no 进展 dated within the last `PROJECT_STALE_DAYS` days."""
    since = today - timedelta(days=settings.PROJECT_STALE_DAYS)
    recent = ProgressUpdate.objects.filter(project=OuterRef("pk"), date__gt=since)
    return Q(status=ProjectStatus.IN_PROGRESS) & ~Q(Exists(recent))


@dataclass(frozen=True)
class ProjectQueue:
    """One project queue of the workbench: the admin list's `?queue=` value, its label and
    the condition that both counts it and filters the list it links to."""

    key: str
    label: str | Promise
    condition: Callable[[date], Q]


PROJECT_QUEUES: tuple[ProjectQueue, ...] = (
    ProjectQueue("red", _("红灯（推进缓慢）"), lambda today: health_q(Health.RED, today)),
    ProjectQueue("yellow", _("黄灯"), lambda today: health_q(Health.YELLOW, today)),
    ProjectQueue("stale", _("久无进展"), stale_q),
)
PROJECT_QUEUES_BY_KEY = {queue.key: queue for queue in PROJECT_QUEUES}


def projects_in_queue(queryset: QuerySet[Project], key: str, *, today: date | None = None) -> QuerySet[Project]:
    return queryset.filter(PROJECT_QUEUES_BY_KEY[key].condition(today or timezone.localdate()))


def project_queue_counts(queryset: QuerySet[Project], *, today: date | None = None) -> dict[str, int]:
    """How many projects of `queryset` (an official's scope) sit in each queue: one query."""
    today = today or timezone.localdate()
    return queryset.order_by().aggregate(
        **{queue.key: Count("pk", filter=queue.condition(today)) for queue in PROJECT_QUEUES}
    )


@dataclass(frozen=True)
class BehindSchedule:
    """A red or yellow project as leaders read it: where, who leads, when due, 序时 vs actual."""

    project: Project
    health: Health
    subdistricts: list[str]
    expected: Decimal
    gap: Decimal  # percentage points behind 序时进度


def projects_behind_schedule(queryset: QuerySet[Project], *, today: date | None = None) -> list[BehindSchedule]:
    """The red and yellow projects of `queryset` (an official's scope), furthest behind first:
    two queries whatever their number."""
    today = today or timezone.localdate()
    behind = (
        queryset.filter(health_q(Health.RED, today) | health_q(Health.YELLOW, today))
        .select_related("lead_department")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.select_related("subdistrict").order_by("order", "id"))
        )
    )
    rows = []
    for project in behind:
        names = []
        for area in project.areas.all():
            name = area.subdistrict.name if area.subdistrict_id else area.name
            if name not in names:
                names.append(name)
        expected = project.expected_progress(today)
        rows.append(BehindSchedule(project, project.health_on(today), names, expected, expected - project.progress))
    rows.sort(key=lambda row: (-row.gap, row.project.planned_finish, row.project.pk))
    return rows
