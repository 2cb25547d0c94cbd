"""Reads of projects shared by the public site and the API: what the public may see, the
schedule colours (红黄绿灯) computed in the database, projects in an area and each programme's
figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.common.dates import local_moment
from apps.common.workdays import working_days_before
from apps.places.models import Area, Department
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


def disclosure_cutoff(today: date) -> datetime:
    """The moment before which a public project's information is late under the 政务公开 clock:
    the start of the day `PROJECT_DISCLOSURE_WORKING_DAYS` working days before today."""
    return local_moment(working_days_before(today, settings.PROJECT_DISCLOSURE_WORKING_DAYS), time.min)


def disclosure_overdue_q(today: date) -> Q:
    """Public projects under way (or suspended) whose public information, the project's own or
    its latest 进展, was last changed before the 政务公开 cutoff."""
    cutoff = disclosure_cutoff(today)
    recent = ProgressUpdate.objects.filter(project=OuterRef("pk"), created_at__gte=cutoff)
    return Q(
        is_public=True, status__in=[ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED], updated_at__lt=cutoff
    ) & ~Q(Exists(recent))


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
    ProjectQueue("disclosure", _("政务公开超期"), disclosure_overdue_q),
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


# --- Per-街道 and per-department comparison (leaders' tables) -------------------------------------


@dataclass(frozen=True)
class GroupProjectFigures:
    """One 街道's or lead department's projects: counts by status and health, average progress
    and money. `key` is None for projects touching no 街道 (district-wide work)."""

    key: int | None
    name: str
    total: int
    completed: int
    in_progress: int
    planned: int
    suspended: int
    red: int
    yellow: int
    average_progress: Decimal | None
    planned_investment: Decimal
    invested: Decimal

    @property
    def green(self) -> int:
        return self.total - self.red - self.yellow

    @property
    def investment_ratio(self) -> Decimal | None:
        return investment_ratio(self.planned_investment, self.invested)


def _decimal(value, places: str = "0.01") -> Decimal:
    # SQLite sums decimals as floats: round them back to the column's precision.
    return Decimal(str(value or 0)).quantize(Decimal(places))


def project_comparison(
    queryset: QuerySet[Project], *, group_by: str, today: date | None = None
) -> list[GroupProjectFigures]:
    """The projects of `queryset` compared per 街道 (a project counts once in every 街道 it
    touches, however many of its 社区) or per lead department: one aggregate query plus one
    for the names, whatever the number of projects. Ordered by average progress, highest first."""
    if group_by not in ("subdistrict", "department"):
        raise ValueError("group_by must be 'subdistrict' or 'department'")
    today = today or timezone.localdate()
    project = Project._meta.db_table
    through = Project.areas.through._meta.db_table
    area = Area._meta.db_table
    scoped_sql, scoped_params = queryset.order_by().values("pk").query.sql_with_params()
    if group_by == "department":
        department = Department._meta.db_table
        source = f" LEFT JOIN {department} g ON g.id = p.lead_department_id"
        key, name = "p.lead_department_id", "COALESCE(NULLIF(g.short_name, ''), g.name)"
    else:
        # (project, 街道) pairs, each once: a project touching two 社区 of one 街道 counts once.
        source = (
            f" LEFT JOIN (SELECT DISTINCT t.project_id, a.subdistrict_id FROM {through} t"
            f" JOIN {area} a ON a.id = t.area_id) pairs ON pairs.project_id = p.id"
            f" LEFT JOIN {area} g ON g.id = pairs.subdistrict_id"
        )
        key, name = "pairs.subdistrict_id", "g.name"
    statuses = [ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS, ProjectStatus.PLANNED, ProjectStatus.SUSPENDED]
    counts = ", ".join("SUM(CASE WHEN p.status = %s THEN 1 ELSE 0 END)" for _status in statuses)
    sql = (
        f"SELECT {key}, {name}, COUNT(*), {counts},"
        " SUM(CASE WHEN p.red_from <= %s THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN p.yellow_from <= %s AND (p.red_from IS NULL OR p.red_from > %s) THEN 1 ELSE 0 END),"
        " AVG(p.progress), SUM(p.planned_investment), SUM(p.invested)"
        f" FROM {project} p{source} WHERE p.id IN ({scoped_sql}) GROUP BY {key}, {name}"
    )
    day = today.isoformat()
    params = [str(s) for s in statuses] + [day, day, day, *scoped_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(r[0], r[1] or "", *r[2:]) for r in cursor.fetchall()]
    result = [
        GroupProjectFigures(
            key=r[0],
            name=r[1] if r[0] is not None else str(_("全区（不分街道）")),
            total=r[2],
            completed=r[3] or 0,
            in_progress=r[4] or 0,
            planned=r[5] or 0,
            suspended=r[6] or 0,
            red=r[7] or 0,
            yellow=r[8] or 0,
            average_progress=_decimal(r[9], "0.1") if r[9] is not None else None,
            planned_investment=_decimal(r[10]),
            invested=_decimal(r[11]),
        )
        for r in rows
    ]
    result.sort(key=lambda g: (g.key is None, -(g.average_progress or Decimal(-1)), g.name))
    return result
