"""Reads of the reports: everything comes from the monthly snapshots (never today's tables), so a
report of a past month reads the same whenever it is opened. Public: only projects that were
published at the snapshot's moment, and request figures as counts per 街道 and department (no
resident's data; request topics are categories, not text)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from apps.appeals.models import AppealKind
from apps.appeals.selectors import Rates
from apps.common.i18n import localized
from apps.programmes.models import Programme
from apps.projects.models import Health, ProjectStatus, investment_ratio
from apps.reports.models import FigureSnapshot, ProjectSnapshot, Snapshot
from apps.reports.services import month_after, month_before

PUBLIC = Q(is_public=True, is_top_level=True)


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """环比 in percentage points; None when either month has no figure."""
    if current is None or previous is None:
        return None
    return current - previous


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class ProjectGroup:
    """Projects of one programme, 街道 or lead department in a snapshot (the same attributes
    as `apps.projects.selectors.GroupProjectFigures`, so one table template shows both)."""

    key: int | str | None
    name: str
    total: int = 0
    completed: int = 0
    in_progress: int = 0
    planned: int = 0
    suspended: int = 0
    red: int = 0
    yellow: int = 0
    planned_investment: Decimal = Decimal("0")
    invested: Decimal = Decimal("0")
    progresses: list[Decimal] = field(default_factory=list)
    previous_average: Decimal | None = None

    def add(self, row: ProjectSnapshot) -> None:
        self.total += 1
        self.completed += row.status == ProjectStatus.COMPLETED
        self.in_progress += row.status == ProjectStatus.IN_PROGRESS
        self.planned += row.status == ProjectStatus.PLANNED
        self.suspended += row.status == ProjectStatus.SUSPENDED
        self.red += row.health == Health.RED
        self.yellow += row.health == Health.YELLOW
        self.planned_investment += row.planned_investment
        self.invested += row.invested
        self.progresses.append(row.progress)

    @property
    def green(self) -> int:
        return self.total - self.red - self.yellow

    @property
    def average_progress(self) -> Decimal | None:
        return _average(self.progresses)

    @property
    def progress_change(self) -> Decimal | None:
        return change(self.average_progress, self.previous_average)

    @property
    def investment_ratio(self) -> Decimal | None:
        return investment_ratio(self.planned_investment, self.invested)


def _group_keys(row: ProjectSnapshot, group_by: str) -> list[tuple[int | str | None, str]]:
    if group_by == "programme":
        return [(row.programme_id, "")]
    if group_by == "department":
        return [(row.lead_department_id, row.lead_department_name)]
    return [(pk, name) for pk, name in row.subdistricts] or [(None, _("全区（不分街道）"))]


def _groups(rows: list[ProjectSnapshot], previous: list[ProjectSnapshot], group_by: str) -> list[ProjectGroup]:
    groups: dict = {}
    for row in rows:
        for key, name in _group_keys(row, group_by):
            groups.setdefault(key, ProjectGroup(key, name)).add(row)
    before: dict = defaultdict(list)
    for row in previous:
        for key, _name in _group_keys(row, group_by):
            before[key].append(row.progress)
    for key, group in groups.items():
        group.previous_average = _average(before.get(key, []))
    result = list(groups.values())
    result.sort(key=lambda g: (g.key is None, -(g.average_progress or Decimal(-1)), g.name))
    return result


@dataclass
class FigureRow:
    """One 街道's or department's 三率 in the month and the month before (环比)."""

    rates: Rates
    previous: Rates | None

    def _change(self, name: str) -> Decimal | None:
        return change(getattr(self.rates, name), getattr(self.previous, name) if self.previous else None)

    @property
    def response_change(self) -> Decimal | None:
        return self._change("response_rate")

    @property
    def resolution_change(self) -> Decimal | None:
        return self._change("resolution_rate")

    @property
    def satisfaction_change(self) -> Decimal | None:
        return self._change("satisfaction_rate")


def _rates(row: FigureSnapshot | dict, key: int | None = None, name: str = "") -> Rates:
    get = row.get if isinstance(row, dict) else lambda attr: getattr(row, attr)
    return Rates(
        key=key if key is not None else get("key"),
        name=name or get("name"),
        received=get("received") or 0,
        responded_in_time=get("responded_in_time") or 0,
        due=get("due") or 0,
        resolved=get("resolved") or 0,
        rated=get("rated") or 0,
        satisfied=get("satisfied") or 0,
    )


def _total(rows: list[Rates]) -> Rates:
    fields = ("received", "responded_in_time", "due", "resolved", "rated", "satisfied")
    return Rates(key=0, name=_("合计"), **{f: sum(getattr(r, f) for r in rows) for f in fields})


def _figure_rows(current: list[Rates], previous: list[Rates]) -> list[FigureRow]:
    before = {r.key: r for r in previous}
    rows = [FigureRow(r, before.get(r.key)) for r in current]
    rows.sort(key=lambda row: (-row.rates.received, row.rates.name))
    return rows


@dataclass(frozen=True)
class Topic:
    """A topic of the month's requests: a 问题分类, or a programme and type for requests not
    classified yet."""

    label: str
    count: int


@dataclass
class MonthlyReport:
    snapshot: Snapshot
    previous: Snapshot | None
    year: int
    programmes: list[tuple[Programme, ProjectGroup]]
    programme_total: ProjectGroup
    projects_by_subdistrict: list[ProjectGroup]
    projects_by_department: list[ProjectGroup]
    figures_by_subdistrict: list[FigureRow]
    figures_by_department: list[FigureRow]
    figures_total: FigureRow
    behind: list[ProjectSnapshot]
    completed: list[ProjectSnapshot]
    topics: list[Topic]

    @property
    def month(self) -> date:
        return self.snapshot.month

    @property
    def programme_table(self) -> list[tuple[str, ProjectGroup]]:
        return [(localized(p, "name"), g) for p, g in self.programmes]

    @property
    def subdistrict_table(self) -> list[tuple[str, ProjectGroup]]:
        return [(g.name, g) for g in self.projects_by_subdistrict]

    @property
    def department_table(self) -> list[tuple[str, ProjectGroup]]:
        return [(g.name, g) for g in self.projects_by_department]

    @property
    def last_day(self) -> date:
        return month_after(self.month) - timedelta(days=1)


def _snapshot_projects(snapshot: Snapshot | None, year: int) -> QuerySet[ProjectSnapshot]:
    if snapshot is None:
        return ProjectSnapshot.objects.none()
    return ProjectSnapshot.objects.filter(PUBLIC, snapshot=snapshot, year=year)


def topics_of(snapshot: Snapshot, programmes: dict[str, Programme]) -> list[Topic]:
    kinds = dict(AppealKind.choices)
    result = []
    for item in snapshot.topics:
        count = int(item.get("count", 0))
        if item.get("category"):
            result.append(Topic(label=str(item["category"]), count=count))
            continue
        programme = programmes.get(item.get("programme", ""))
        kind = str(kinds.get(item.get("kind"), item.get("kind", "")))
        if programme is not None:
            label = _("%(programme)s · %(kind)s（未分类）") % {"programme": localized(programme, "name"), "kind": kind}
        else:
            label = _("%(kind)s（未分类）") % {"kind": kind}
        result.append(Topic(label=label, count=count))
    return result


def monthly_report(month: date) -> MonthlyReport | None:
    """The 进展通报 of `month` from its snapshot and the month before's (环比), or None when the
    month has no snapshot. Six queries whatever the number of projects and groups."""
    snapshot = Snapshot.objects.filter(month=month.replace(day=1)).first()
    if snapshot is None:
        return None
    previous = Snapshot.objects.filter(month=month_before(snapshot.month)).first()
    year = snapshot.month.year
    rows = list(_snapshot_projects(snapshot, year).order_by("title", "pk"))
    before = list(_snapshot_projects(previous, year).only("progress", "programme", "lead_department", "subdistricts"))
    programmes = list(Programme.objects.order_by("order", "code"))
    by_programme = {g.key: g for g in _groups(rows, before, "programme")}
    programme_rows = [(p, by_programme.get(p.pk) or ProjectGroup(p.pk, str(p.name))) for p in programmes]
    total = ProjectGroup(None, _("合计"))
    for row in rows:
        total.add(row)
    total.previous_average = _average([row.progress for row in before])

    figures = FigureSnapshot.objects.filter(snapshot__in=[s for s in (snapshot, previous) if s]).order_by("pk")
    current: dict[str, list[Rates]] = defaultdict(list)
    prior: dict[str, list[Rates]] = defaultdict(list)
    for row in figures:
        (current if row.snapshot_id == snapshot.pk else prior)[row.group_by].append(_rates(row))

    month_start, month_end = snapshot.month, month_after(snapshot.month)
    behind = [row for row in rows if row.health in (Health.RED, Health.YELLOW)]
    behind.sort(key=lambda row: (-row.gap, row.planned_finish, row.title))
    completed = [
        row
        for row in rows
        if row.status == ProjectStatus.COMPLETED and row.actual_finish and month_start <= row.actual_finish < month_end
    ]
    return MonthlyReport(
        snapshot=snapshot,
        previous=previous,
        year=year,
        programmes=programme_rows,
        programme_total=total,
        projects_by_subdistrict=_groups(rows, before, "subdistrict"),
        projects_by_department=_groups(rows, before, "department"),
        figures_by_subdistrict=_figure_rows(current["subdistrict"], prior["subdistrict"]),
        figures_by_department=_figure_rows(current["department"], prior["department"]),
        figures_total=FigureRow(
            _total(current["subdistrict"]), _total(prior["subdistrict"]) if prior["subdistrict"] else None
        ),
        behind=behind,
        completed=completed,
        topics=topics_of(snapshot, {p.code: p for p in programmes}),
    )


@dataclass
class AnnualReport:
    year: int
    snapshot: Snapshot
    months: int
    projects: list[ProjectSnapshot]
    total: ProjectGroup
    figures_by_subdistrict: list[Rates]
    figures_by_department: list[Rates]
    figures_total: Rates


def annual_report(year: int) -> AnnualReport | None:
    """年度民生实事完成情况: the year's projects as the year's last snapshot has them, and the
    year's figures summed over its monthly snapshots (counts add up exactly). Four queries."""
    months = list(Snapshot.objects.filter(month__year=year).order_by("-month").values_list("pk", flat=True))
    if not months:
        return None
    snapshot = Snapshot.objects.get(pk=months[0])
    projects = list(
        _snapshot_projects(snapshot, year).select_related("programme").order_by("programme__order", "title", "pk")
    )
    total = ProjectGroup(None, _("合计"))
    for row in projects:
        total.add(row)
    sums = (
        FigureSnapshot.objects.filter(snapshot__in=months)
        .order_by()
        .values("group_by", "key")
        .annotate(**{f: Sum(f) for f in ("received", "responded_in_time", "due", "resolved", "rated", "satisfied")})
    )
    names = dict(
        FigureSnapshot.objects.filter(snapshot__in=months).order_by("snapshot__month").values_list("key", "name")
    )
    grouped: dict[str, list[Rates]] = defaultdict(list)
    for row in sums:
        grouped[row["group_by"]].append(_rates(row, key=row["key"], name=names.get(row["key"], "")))
    for rates in grouped.values():
        rates.sort(key=lambda r: (-r.received, r.name))
    return AnnualReport(
        year=year,
        snapshot=snapshot,
        months=len(months),
        projects=projects,
        total=total,
        figures_by_subdistrict=grouped["subdistrict"],
        figures_by_department=grouped["department"],
        figures_total=_total(grouped["subdistrict"]),
    )


def report_months() -> dict[int, list[Snapshot]]:
    """The months with a snapshot, newest first, by year: the index of /reports/."""
    years: dict[int, list[Snapshot]] = defaultdict(list)
    for snapshot in Snapshot.objects.only("month", "final", "as_of").order_by("-month"):
        years[snapshot.month.year].append(snapshot)
    return dict(years)


@dataclass(frozen=True)
class TrendPoint:
    month: date
    progress: Decimal | None
    expected: Decimal | None = None
    final: bool = True  # False for the running month's provisional snapshot


def project_trend(project_id: int) -> list[TrendPoint]:
    """A project's progress at each month's end, from the snapshots (one query)."""
    rows = (
        ProjectSnapshot.objects.filter(project_id=project_id)
        .order_by("snapshot__month")
        .values_list("snapshot__month", "progress", "expected", "snapshot__final")
    )
    return [TrendPoint(*row) for row in rows]


def programme_trend(programme_id: int, year: int) -> list[TrendPoint]:
    """The average progress of a programme's published projects of `year` at each month's end (one query)."""
    rows = (
        ProjectSnapshot.objects.filter(PUBLIC, programme_id=programme_id, year=year)
        .order_by("snapshot__month")
        .values("snapshot__month", "snapshot__final")
        .annotate(progress=Avg("progress"), expected=Avg("expected"))
    )

    def rounded(value) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    return [
        TrendPoint(r["snapshot__month"], rounded(r["progress"]), rounded(r["expected"]), r["snapshot__final"])
        for r in rows
    ]
