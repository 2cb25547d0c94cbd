"""Reads behind the public pages and feeds.

Every function runs a fixed number of queries, whatever the amount of data (the tests in
`tests/public/test_query_counts.py` hold them to it). Only what residents may see comes out of
here: published projects (`is_public`), published requests (`Appeal.objects.published()`), and
aggregate counts. A request's `location_text` is never read for the public: residents type
exact addresses into it, so public pages place a request only by its 街道/社区/小区.

Lists show top-level projects; sub-projects appear on their parent's page, so a programme's
figures do not count the same work twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from apps.appeals.models import OPEN_STATUSES, Appeal
from apps.appeals.selectors import Rates, appeal_rates, in_area_q, published_appeals
from apps.categories.selectors import first_level_categories
from apps.common.cache import PROJECTS, cached_value
from apps.common.dates import local_moment
from apps.common.i18n import localized
from apps.common.paging import list_paginator
from apps.places.models import Area, AreaLevel
from apps.places.selectors import subdistricts_with_communities
from apps.programmes.models import Programme
from apps.projects.filters import FilterOffer, ProjectFilterSet
from apps.projects.models import Health, ProgressUpdate, Project, ProjectPhoto, ProjectStatus
from apps.projects.selectors import (
    projects_in_area,
    public_project_q,
    public_projects,
)
from apps.public.selectors_requests import PublicAppeal, public_appeal

LATEST_UPDATES = 6
FEED_SIZE = 30
AREA_REQUESTS = 10
PROJECT_REQUESTS = 20

# --- Projects ----------------------------------------------------------------------------------


def _in_area(area: Area) -> Q:
    return in_area_q(area.pk, area.level)


def project_list(*, params, offer: FilterOffer, page: int | str | None = 1) -> tuple[ProjectFilterSet, Page]:
    """The filters and one page of published top-level projects, newest change first unless the
    query asks otherwise: count, page and their areas (3 queries)."""
    filterset = ProjectFilterSet(
        params, queryset=public_projects().filter(parent__isnull=True).order_by("-updated_at", "-id"), offer=offer
    )
    return filterset, _project_page(filterset.qs, page)


def _project_page(qs: QuerySet[Project], page: int | str | None) -> Page:
    qs = qs.select_related("programme", "lead_department").prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("level", "order", "id"))
    )
    return list_paginator(qs).get_page(page)


def project_years() -> list[int]:
    return list(public_projects().order_by("-year").values_list("year", flat=True).distinct())


def programmes() -> list[Programme]:
    return list(Programme.objects.order_by("order", "code"))


@dataclass
class ProjectDetail:
    project: Project
    areas: list[Area]
    co_departments: list
    milestones: list
    updates: list[ProgressUpdate]
    photos_by_stage: dict[str, list[ProjectPhoto]]
    subprojects: list[Project]
    requests: list[PublicAppeal]
    today: date

    @property
    def expected_progress(self) -> Decimal:
        return self.project.expected_progress(self.today)

    @property
    def behind_by(self) -> Decimal:
        if self.project.status == ProjectStatus.COMPLETED:
            return Decimal("0")
        return max(Decimal("0"), self.expected_progress - self.project.progress)

    @property
    def health(self) -> Health:
        return self.project.health_on(self.today)

    @property
    def information_updated_at(self) -> datetime:
        """When the public information last changed (信息更新于): the project or its latest 进展."""
        return max([self.project.updated_at, *(update.created_at for update in self.updates)])

    @property
    def finish_delay_days(self) -> int | None:
        """Days past the planned finish: of the actual finish once done, else of today while
        unfinished (then only when already late). Negative means finished early."""
        project = self.project
        if project.actual_finish:
            return (project.actual_finish - project.planned_finish).days
        if self.today > project.planned_finish:
            return (self.today - project.planned_finish).days
        return None


def project_detail(*, pk: int, today: date | None = None) -> ProjectDetail:
    """A published project with everything its page shows (9 queries)."""
    today = today or timezone.localdate()
    project = public_projects().select_related("programme", "lead_department", "parent").filter(pk=pk).first()
    if project is None:
        raise Http404
    updates = list(
        project.updates.order_by("-date", "-id").prefetch_related(
            Prefetch("photos", queryset=ProjectPhoto.objects.order_by("stage", "id"))
        )
    )
    # The timeline reads as changes ("60% → 80%"): each entry knows the progress before it.
    for i, update in enumerate(updates):
        before = updates[i + 1].progress if i + 1 < len(updates) else None
        update.progress_before = before if before is not None and before != update.progress else None
    photos_by_stage: dict[str, list[ProjectPhoto]] = {}
    for photo in project.photos.order_by("-is_cover", "taken_on", "id"):
        photos_by_stage.setdefault(photo.stage, []).append(photo)
    requests = [
        public_appeal(a) for a in published_appeals(linked_projects=False).filter(projects=project)[:PROJECT_REQUESTS]
    ]
    return ProjectDetail(
        project=project,
        areas=list(project.areas.select_related("parent").order_by("level", "order", "id")),
        co_departments=list(project.co_departments.order_by("order", "id")),
        milestones=list(project.milestones.order_by("order", "planned_date", "id")),
        updates=updates,
        photos_by_stage=photos_by_stage,
        subprojects=list(
            public_projects().filter(parent=project).select_related("programme", "lead_department").order_by("id")
        ),
        requests=requests,
        today=today,
    )


def project_board(*, pk: int) -> Project:
    """A published project with what its printed notice board shows (1 query)."""
    project = public_projects().select_related("programme", "lead_department").filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


class FormChoices(NamedTuple):
    """What the residents' forms offer to choose from, as (value, label) pairs."""

    subdistricts: list[tuple[int, str]]
    communities: list[tuple[str, list[tuple[int, str]]]]  # grouped by 街道 (<optgroup>)
    categories: list[tuple[str, str]]  # first-level classes, by code
    programmes: list[tuple[str, str]]  # by code


def form_choices() -> FormChoices:
    """The 街道, 社区, first-level classes and programmes of the request and proposal forms, in the
    active language: cached, so a form drawn again (every refused post, pixel bombs included)
    runs no query for its lists (3 on a miss).

    Follows the PROJECTS data version: areas, classes and programmes bump it (with every other
    version) when they change, and a resident's request does not.
    """

    def compute() -> FormChoices:
        tree = subdistricts_with_communities()
        return FormChoices(
            subdistricts=[(s.pk, s.name) for s in tree],
            communities=[(s.name, [(c.pk, c.name) for c in s.communities]) for s in tree if s.communities],
            categories=[(c.code, localized(c, "name")) for c in first_level_categories()],
            programmes=[(p.code, localized(p, "name")) for p in Programme.objects.all()],
        )

    return cached_value(f"form-choices:{get_language()}", compute, depends=(PROJECTS,))


def project_for_request(value: object) -> Project | None:
    """The published project a resident's request is about, from `?project=<id>`; None for
    anything else (unknown, unpublished, not a number), which the form then ignores (1 query
    for a number, none otherwise)."""
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return public_projects().filter(pk=pk).first()


# --- Programmes and the dashboard ----------------------------------------------------------------


def figures_year(today: date | None = None) -> int:
    """The year the dashboard reports on: this year, or the latest earlier year with
    published projects while this year's are not entered yet (one query)."""
    today = today or timezone.localdate()
    latest = public_projects().filter(year__lte=today.year).aggregate(latest=Max("year"))["latest"]
    return latest or today.year


def programme_projects(*, programme: Programme, page: int | str | None = 1) -> Page:
    """A programme's published top-level projects, furthest along first."""
    qs = public_projects().filter(parent__isnull=True, programme=programme).order_by("-progress", "id")
    return _project_page(qs, page)


def latest_updates(*, limit: int = LATEST_UPDATES) -> list[ProgressUpdate]:
    """The newest progress updates of published projects, with their photos (2 queries)."""
    return list(
        ProgressUpdate.objects.filter(public_project_q("project__"))
        .select_related("project", "project__programme")
        .prefetch_related(Prefetch("photos", queryset=ProjectPhoto.objects.order_by("stage", "id")))
        .order_by("-date", "-id")[:limit]
    )


def month_starts(*, months: int, now: datetime | None = None) -> list[date]:
    """The first days of the last `months` calendar months, oldest first, this month last."""
    today = timezone.localdate(now) if now else timezone.localdate()
    first = today.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


@dataclass
class MonthlyRequests:
    months: list[date]
    received: list[int]
    resolved: list[int]


def requests_per_month(*, months: int = 12, now: datetime | None = None, area: Area | None = None) -> MonthlyRequests:
    """Requests received and resolved in each of the last `months` months (2 queries).

    Counts include every request, published or not: a count shows nobody's data."""
    starts = month_starts(months=months, now=now)
    since = local_moment(starts[0])
    qs = Appeal.objects.filter(_in_area(area)) if area is not None else Appeal.objects.all()

    def per_month(field_name: str) -> dict[date, int]:
        rows = (
            qs.filter(**{f"{field_name}__gte": since})
            .annotate(month=TruncMonth(field_name))
            .order_by()
            .values("month")
            .annotate(n=Count("id"))
        )
        result: dict[date, int] = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, datetime):
                month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
            result[month] = result.get(month, 0) + row["n"]
        return result

    received = per_month("submitted_at")
    resolved = per_month("resolved_at")
    return MonthlyRequests(
        months=starts,
        received=[received.get(m, 0) for m in starts],
        resolved=[resolved.get(m, 0) for m in starts],
    )


def rates_period(*, months: int = 12, now: datetime | None = None) -> tuple[datetime, datetime]:
    starts = month_starts(months=months, now=now)
    return local_moment(starts[0]), now or timezone.now()


def rates_by_subdistrict(*, months: int = 12, now: datetime | None = None) -> list[Rates]:
    start, end = rates_period(months=months, now=now)
    return appeal_rates(start=start, end=end, group_by="subdistrict", now=now)


# --- Areas ---------------------------------------------------------------------------------------


@dataclass
class AreaDetail:
    area: Area
    children: list[Area]
    projects: list[Project]
    project_count: int
    requests: list[PublicAppeal]
    rates: Rates | None
    period: tuple[datetime, datetime]
    project_points: list[Project] = field(default_factory=list)

    @property
    def level_tag(self) -> str:
        return area_level_tag(self.area)


def area_projects(area: Area) -> QuerySet[Project]:
    """A 街道's projects with its 社区's; a 社区's (or 小区's) own and its 街道's, each annotated
    `in_subdistrict` when it is the 街道's and not the area's own."""
    wider = area.level >= AreaLevel.COMMUNITY
    return projects_in_area(public_projects(), area.pk, with_subdistrict=wider).filter(parent__isnull=True)


# Names that already say their level (奎河社区, 泰山街道, 拾西村): no "社区" tag after them.
LEVEL_SUFFIXES = {
    AreaLevel.SUBDISTRICT: ("街道", "镇", "乡", "办事处"),
    AreaLevel.COMMUNITY: ("社区", "村", "居委会"),
    AreaLevel.COMPOUND: ("小区", "苑", "园", "院"),
}


def area_level_tag(area: Area) -> str:
    """The level shown beside an area's name, or "" when the name already says it."""
    if area.name.endswith(LEVEL_SUFFIXES.get(area.level, ())):
        return ""
    return str(AreaLevel(area.level).label)


def area_detail(*, pk: int, now: datetime | None = None) -> AreaDetail:
    """A 街道, 社区 or 小区 with its projects, published requests and 三率 (8 queries)."""
    area = (
        Area.objects.filter(level__gte=AreaLevel.SUBDISTRICT)
        .select_related("parent", "parent__parent", "subdistrict")
        .filter(pk=pk)
        .first()
    )
    if area is None:
        raise Http404
    children = list(area.children.order_by("order", "id"))
    projects_qs = area_projects(area).select_related("programme", "lead_department").order_by("-updated_at", "-id")
    projects = list(projects_qs[: settings.PAGE_SIZE])
    project_count = area_projects(area).count()
    requests = [
        public_appeal(a) for a in published_appeals(linked_projects=False).filter(_in_area(area))[:AREA_REQUESTS]
    ]
    start, end = rates_period(now=now)
    rows = appeal_rates(
        start=start, end=end, group_by="subdistrict", now=now, queryset=Appeal.objects.filter(_in_area(area))
    )
    rates = rows[0] if rows else None
    return AreaDetail(
        area=area,
        children=children,
        projects=projects,
        project_count=project_count,
        requests=requests,
        rates=rates,
        period=(start, end),
        project_points=[p for p in projects if p.has_point],
    )


# --- The resident's own 社区 on the home page ------------------------------------------------------

LOCAL_PROJECTS = 6
LOCAL_UPDATES = 3
LOCAL_REQUESTS = 5


@dataclass
class LocalArea:
    """The area a resident chose (a 社区, or a 街道 until they pick one) and what happens there."""

    area: Area
    subdistrict: Area
    projects: list[Project]
    project_count: int
    updates: list[ProgressUpdate]
    requests: list[PublicAppeal]


def chosen_area(*, subdistrict: str | None, community: str | None) -> Area | None:
    """What a resident picked in the two selects: the 社区 when it lies in the chosen 街道 (or
    no 街道 was sent), else the 街道 alone (they changed 街道, so pick its 社区 next). One query."""
    sub_id, com_id = _area_id(subdistrict), _area_id(community)
    found = {a.pk: a for a in Area.objects.filter(pk__in=[i for i in (sub_id, com_id) if i is not None])}
    sub, com = found.get(sub_id), found.get(com_id)
    sub = sub if sub is not None and sub.level == AreaLevel.SUBDISTRICT else None
    com = com if com is not None and com.level == AreaLevel.COMMUNITY else None
    if com is not None and (sub is None or com.parent_id == sub.pk):
        return com
    return sub


def _area_id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


def local_area(area_id: str | None) -> LocalArea | None:
    """The home page's "你的社区": the chosen area's projects (its own, its 街道's, district-wide
    ones that list it), their latest 进展 and its open published requests (5 queries). None when
    the cookie names no 街道 or 社区."""
    pk = _area_id(area_id)
    if pk is None:
        return None
    area = (
        Area.objects.filter(pk=pk, level__in=(AreaLevel.SUBDISTRICT, AreaLevel.COMMUNITY))
        .select_related("parent")
        .first()
    )
    if area is None:
        return None
    projects = area_projects(area)
    updates = list(
        ProgressUpdate.objects.filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("-date", "-id")[:LOCAL_UPDATES]
    )
    requests = [
        public_appeal(a)
        for a in published_appeals(linked_projects=False).filter(_in_area(area), status__in=OPEN_STATUSES)[
            :LOCAL_REQUESTS
        ]
    ]
    return LocalArea(
        area=area,
        subdistrict=area if area.level == AreaLevel.SUBDISTRICT else area.parent,
        projects=list(
            projects.select_related("programme", "lead_department").order_by("-updated_at", "-id")[:LOCAL_PROJECTS]
        ),
        project_count=projects.count(),
        updates=updates,
        requests=requests,
    )


# --- Feeds ---------------------------------------------------------------------------------------


def feed_updates(
    *, programme: Programme | None = None, project: Project | None = None, area: Area | None = None
) -> list[ProgressUpdate]:
    """The newest progress updates of published projects for a feed (1 query)."""
    qs = ProgressUpdate.objects.filter(public_project_q("project__")).select_related("project", "project__programme")
    if programme is not None:
        qs = qs.filter(project__programme=programme)
    if project is not None:
        qs = qs.filter(project=project)
    if area is not None:
        qs = qs.filter(project__in=projects_in_area(public_projects(), area.pk).values("pk"))
    return list(qs.order_by("-created_at", "-id")[:FEED_SIZE])


def public_project_or_404(pk: int) -> Project:
    project = public_projects().filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def programme_or_404(code: str) -> Programme:
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


def area_or_404(pk: int) -> Area:
    area = Area.objects.filter(pk=pk, level__gte=AreaLevel.SUBDISTRICT).first()
    if area is None:
        raise Http404
    return area
