"""Demo 民生项目 with milestones, sub-projects and progress updates, bulk-built.

Progress, its source and the schedule-health dates are computed with the same rules as
`apps.projects.services` (weighted milestones, weighted sub-projects, `health_dates`), and
every row passes the model's own `clean()` before it is written.

Each project also gets the change history the app would have recorded (simple-history rows,
written in bulk): its creation early in its year, then one version per day on which it started,
a milestone was completed, a progress update was filed or it was finished, the last one equal
to the project as it is. The monthly reports (`take_snapshot`) read past months from it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.common.dates import local_moment
from apps.demo import corpus
from apps.demo.bulk import NULL, CopyPipe, RowWriter, copy_value, uses_copy
from apps.places.models import Area, Department
from apps.programmes.models import Programme
from apps.projects.models import Milestone, ProgressSource, ProgressUpdate, Project, ProjectStatus
from apps.projects.services import health_dates, percent, project_refresh_schedule

CENT = Decimal("0.01")
# Checked by clean() but too costly to look up row by row; they come from rows made above.
_FK_FIELDS = ["programme", "lead_department", "parent", "project", "author"]


@dataclass
class _Spec:
    project: Project
    subdistrict: Area
    areas: list[Area]
    co_departments: list[Department]
    created: datetime
    milestones: list[Milestone] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)
    children: list[_Spec] = field(default_factory=list)


@dataclass(frozen=True)
class _Version:
    """A project as one day's change left it: a row of its history."""

    day: date
    status: str
    progress: Decimal
    actual_start: date | None
    actual_finish: date | None
    invested: Decimal


@dataclass
class BuiltProjects:
    projects: int = 0
    milestones: int = 0
    updates: int = 0
    # (programme code, 街道 id) → ids of public top-level projects, for linking requests.
    index: dict[tuple[str, int], list[int]] = field(default_factory=dict)


def _person(rng: random.Random) -> str:
    given = "".join(rng.choice(corpus.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(corpus.SURNAMES) + given


def _official_title(rng: random.Random, department: Department) -> str:
    titles = corpus.OFFICIAL_TITLES.get(department.kind)
    if titles is None:
        ending = next((e for e in ("委员会", "所", "局") if department.name.endswith(e)), "局")
        titles = corpus.OFFICIAL_TITLES[ending]
    return (department.short_name or department.name) + rng.choice(titles)


class _Builder:
    def __init__(self, *, rng: random.Random, today: date, now: datetime, places, departments, users):
        self.rng = rng
        self.today = today
        self.now = now
        self.places = places
        self.departments = departments
        self.users = users
        self.kuishan_id = next(sd.pk for sd in places.subdistricts if sd.name == "奎山")

    # -- choosing -------------------------------------------------------------------------

    def area_for(self, level: str, sd: Area) -> tuple[Area, Area | None, Area | None]:
        """(area, 社区, 小区) for a template level in this 街道."""
        if level == "sd":
            return sd, None, None
        community = self.rng.choice(self.places.communities[sd.pk])
        compounds = self.places.compounds[community.pk]
        if level == "cp" and compounds:
            compound = self.rng.choice(compounds)
            return compound, community, compound
        return community, community, None

    def context(self, *, sd: Area, community: Area | None, compound: Area | None, year: int) -> dict:
        rng = self.rng
        community_name = community.name if community else f"{sd.name}街道"
        return {
            "sd": sd.name,
            "cm": community_name,
            "cp": compound.name if compound else community_name,
            "b": rng.randint(1, 30),
            "u": rng.randint(1, 4),
            "f": rng.randint(3, 7),
            "n": rng.randint(2, 9),
            "year": year,
            "school": rng.choice(corpus.SCHOOLS),
            "river": rng.choice(corpus.RIVER_SECTIONS),
        }

    def responsible_user(self, lead: Department, sd: Area):
        if lead.code == "zhujian":
            return self.users["zhujian"]
        if sd.pk == self.kuishan_id:
            return self.users["kuishan"]
        return self.users["district"]

    # -- one project ----------------------------------------------------------------------

    def plan(self, planned_start: date, planned_finish: date) -> tuple[str, date | None, date | None, float]:
        """Status, actual start and finish, and a target progress for a project's dates."""
        rng, today = self.rng, self.today
        if planned_start > today:
            return ProjectStatus.PLANNED, None, None, 0.0
        r = rng.random()
        if planned_finish <= today:
            status = (
                ProjectStatus.COMPLETED
                if r < 0.8
                else ProjectStatus.IN_PROGRESS
                if r < 0.92
                else ProjectStatus.SUSPENDED
            )
        else:
            status = (
                ProjectStatus.IN_PROGRESS
                if r < 0.74
                else ProjectStatus.COMPLETED
                if r < 0.8
                else ProjectStatus.SUSPENDED
                if r < 0.87
                else ProjectStatus.PLANNED
            )
        if status == ProjectStatus.PLANNED:
            return status, None, None, 0.0
        actual_start = min(today, planned_start + timedelta(days=rng.randint(-3, 20)))
        if status == ProjectStatus.COMPLETED:
            if planned_finish <= today:
                finish = planned_finish + timedelta(days=rng.randint(-30, 20))
            else:
                finish = today - timedelta(days=rng.randint(0, 20))
            finish = min(today, max(actual_start + timedelta(days=7), finish))
            return status, actual_start, finish, 100.0
        # Aim around the project's own 序时进度, so the colours come out in the shares below.
        expected = float(Project(planned_start=planned_start, planned_finish=planned_finish).expected_progress(today))
        h = rng.random()
        if h < 0.6:  # on schedule (green)
            target = expected + rng.uniform(-8, 12)
        elif h < 0.82:  # behind (yellow)
            target = expected - rng.uniform(11, 28)
        else:  # far behind (red)
            target = expected - rng.uniform(32, 55)
        return status, actual_start, None, min(99.0, max(1.0, target))

    def single(
        self, template: corpus.ProjectTemplate, programme: Programme, year: int, sd: Area, *, with_milestones=True
    ) -> _Spec:
        rng = self.rng
        area, community, compound = self.area_for(template.level, sd)
        ctx = self.context(sd=sd, community=community, compound=compound, year=year)
        lead = self.departments.resolve(template.lead, sd.pk)
        co = []
        for code in template.co:
            dept = self.departments.resolve(code, sd.pk)
            if dept != lead and dept not in co:
                co.append(dept)

        planned_start = date(year, 1, 1) + timedelta(days=rng.randint(10, 240))
        planned_finish = planned_start + timedelta(days=rng.randint(60, 300))
        if planned_finish.year > year and rng.random() > 0.15:
            planned_finish = max(date(year, 12, 31), planned_start + timedelta(days=30))
        status, actual_start, actual_finish, target = self.plan(planned_start, planned_finish)

        project = Project(
            programme=programme,
            year=year,
            title=template.title.format(**ctx),
            summary=template.summary.format(**ctx),
            description=template.description.format(**ctx),
            lead_department=lead,
            official_name=_person(rng),
            official_title=_official_title(rng, lead),
            planned_start=planned_start,
            planned_finish=planned_finish,
            actual_start=actual_start,
            actual_finish=actual_finish,
            status=status,
        )
        spec = _Spec(project=project, subdistrict=sd, areas=[area], co_departments=co, created=self.created(project))
        if template.milestones and with_milestones:
            self._milestones(spec, template, target)
        else:
            project.progress_source = ProgressSource.MANUAL
            project.progress = Decimal(round(target)) if status != ProjectStatus.COMPLETED else Decimal("100")
        self._money(project, rng.uniform(*template.money))
        lat, lng = self.places.points[area.pk]
        if rng.random() < 0.85:
            project.latitude = Decimal(str(round(lat + rng.uniform(-0.0008, 0.0008), 6)))
            project.longitude = Decimal(str(round(lng + rng.uniform(-0.0008, 0.0008), 6)))
        self._publish(project, spec.created)
        self._updates(spec, template, ctx)
        return spec

    def _milestones(self, spec: _Spec, template: corpus.ProjectTemplate, target: float) -> None:
        rng, project = self.rng, spec.project
        weights = [w for _, w in template.milestones]
        total = sum(weights)
        n = len(weights)
        if project.status == ProjectStatus.COMPLETED:
            done = n
        elif project.status == ProjectStatus.PLANNED:
            done = 0
        else:
            shares = [sum(weights[:k]) * 100 / total for k in range(n)]
            done = min(range(n), key=lambda k: abs(shares[k] - target))
        period = (project.planned_finish - project.planned_start).days
        end = project.actual_finish or self.today
        last = project.actual_start
        for k, (title, weight) in enumerate(template.milestones):
            planned = project.planned_start + timedelta(days=round(period * (k + 1) / n))
            completed_on = None
            if k < done:
                completed_on = min(end, max(last, planned + timedelta(days=rng.randint(-7, 14))))
                last = completed_on
            spec.milestones.append(
                Milestone(title=title, planned_date=planned, completed_on=completed_on, weight=weight, order=k + 1)
            )
        project.progress_source = ProgressSource.MILESTONES
        project.progress = percent(Decimal(sum(weights[:done])) * 100 / Decimal(total))

    def _money(self, project: Project, amount: float) -> None:
        planned = Decimal(str(round(amount, 1))).quantize(CENT)
        project.planned_investment = planned
        if project.status == ProjectStatus.COMPLETED:
            share = Decimal(str(round(self.rng.uniform(0.9, 1.0), 3)))
        else:
            share = project.progress / 100 * Decimal(str(round(self.rng.uniform(0.7, 1.0), 3)))
        project.invested = (planned * share).quantize(CENT)

    def created(self, project: Project) -> datetime:
        """When the project was entered: a month before it starts, but not before its year."""
        day = max(date(project.year, 1, 1), min(project.planned_start, self.today) - timedelta(days=30))
        return min(local_moment(day, time(9)), self.now)

    def _publish(self, project: Project, created: datetime) -> None:
        chance = 0.5 if project.status == ProjectStatus.PLANNED else 0.92
        project.is_public = self.rng.random() < chance
        if project.is_public:
            project.published_at = created  # published as it was entered (project_create)

    def _updates(self, spec: _Spec, template: corpus.ProjectTemplate, ctx: dict) -> None:
        project, rng = spec.project, self.rng
        if project.status == ProjectStatus.PLANNED or not template.updates:
            return
        texts = [t.format(**ctx) for t in template.updates]
        if project.status == ProjectStatus.COMPLETED:
            chosen = [*texts[:-1], texts[-1] if len(texts) > 1 else corpus.COMPLETED_NOTE]
        else:
            chosen = texts[: max(1, rng.randint(1, max(1, len(texts) - 1)))]
            if project.status == ProjectStatus.SUSPENDED:
                chosen.append(rng.choice(corpus.SUSPEND_NOTES))
        start, end = project.actual_start, project.actual_finish or self.today
        span = (end - start).days
        author = self.responsible_user(project.lead_department, spec.subdistrict)
        count = len(chosen)
        for j, text in enumerate(chosen):
            day = start + timedelta(days=round(span * (j + 1) / count))
            if project.progress_source == ProgressSource.MILESTONES:
                weights = sum(m.weight for m in spec.milestones)
                done = sum(m.weight for m in spec.milestones if m.completed_on and m.completed_on <= day)
                value = percent(Decimal(done) * 100 / Decimal(weights))
            elif j == count - 1:
                value = project.progress
            else:
                value = percent(project.progress * (j + 1) / count)
            spec.updates.append(ProgressUpdate(date=day, text=text, progress=value, author=author))

    # -- a project with sub-projects ------------------------------------------------------

    def parent(self, template: corpus.ProjectTemplate, programme: Programme, year: int, sd: Area, n: int) -> _Spec:
        rng = self.rng
        children = [self.single(template, programme, year, sd) for _ in range(n)]
        for child in children:
            child.project.weight = rng.randint(1, 3)
        ctx = {"year": year, "sd": sd.name, "n": n}
        lead = children[0].project.lead_department
        co: list[Department] = []
        for child in children:
            co.extend(d for d in child.co_departments if d not in co)
        kids = [c.project for c in children]
        statuses = {k.status for k in kids}
        started = [k.actual_start for k in kids if k.actual_start]
        if statuses == {ProjectStatus.COMPLETED}:
            status, actual_start, actual_finish = (
                ProjectStatus.COMPLETED,
                min(started),
                max(k.actual_finish for k in kids),
            )
        elif started:
            status, actual_start, actual_finish = ProjectStatus.IN_PROGRESS, min(started), None
        else:
            status, actual_start, actual_finish = ProjectStatus.PLANNED, None, None
        weight = sum(k.weight for k in kids)
        project = Project(
            programme=programme,
            year=year,
            title=template.parent_title.format(**ctx),
            summary=f"统筹实施{sd.name}街道{n}个子项目，统一招标、分项推进。",
            description="本项目包含以下子项目：" + "；".join(k.title for k in kids) + "。",
            lead_department=lead,
            official_name=_person(rng),
            official_title=_official_title(rng, lead),
            planned_start=min(k.planned_start for k in kids),
            planned_finish=max(k.planned_finish for k in kids),
            actual_start=actual_start,
            actual_finish=actual_finish,
            status=status,
            progress_source=ProgressSource.SUBPROJECTS,
            progress=percent(sum(k.progress * k.weight for k in kids) / Decimal(weight)),
            planned_investment=sum((k.planned_investment for k in kids), Decimal("0")),
            invested=sum((k.invested for k in kids), Decimal("0")),
        )
        created = self.created(project)
        self._publish(project, created)
        if not project.is_public:
            for kid in kids:
                kid.is_public, kid.published_at = False, None
        for kid in kids:
            kid.parent = project
        return _Spec(project=project, subdistrict=sd, areas=[sd], co_departments=co, created=created, children=children)


def _finish(project: Project) -> None:
    project_refresh_schedule(project=project)
    project.clean_fields(exclude=_FK_FIELDS)
    project.clean()


# -- the change history ------------------------------------------------------------------------


def _leaf_versions(spec: _Spec) -> list[_Version]:
    """A project without sub-projects at its creation and at the end of each day it changed."""
    project = spec.project
    versions = [_Version(spec.created.date(), ProjectStatus.PLANNED, Decimal("0"), None, None, Decimal("0"))]
    if project.actual_start is None:
        return versions
    milestones = [(m.completed_on, m.weight) for m in spec.milestones]
    total = sum(w for _, w in milestones)
    updates = [(u.date, u.progress) for u in spec.updates]
    suspended_on = updates[-1][0] if project.status == ProjectStatus.SUSPENDED and updates else None
    days = {project.actual_start, project.actual_finish, *(d for d, _ in milestones), *(d for d, _ in updates)}
    for day in sorted(d for d in days if d is not None):
        finished = project.actual_finish is not None and day >= project.actual_finish
        if finished:
            status = ProjectStatus.COMPLETED
        elif suspended_on is not None and day >= suspended_on:
            status = ProjectStatus.SUSPENDED
        else:
            status = ProjectStatus.IN_PROGRESS
        if project.progress_source == ProgressSource.MILESTONES:
            done = sum(w for d, w in milestones if d is not None and d <= day)
            progress = percent(Decimal(done) * 100 / Decimal(total))
        else:
            progress = next((value for d, value in reversed(updates) if d <= day), Decimal("0"))
        versions.append(
            _Version(day, status, progress, project.actual_start, project.actual_finish if finished else None, None)
        )
    current = (project.status, project.progress, project.actual_start, project.actual_finish)
    last = versions[-1]
    if (last.status, last.progress, last.actual_start, last.actual_finish) != current:  # set with no update filed
        versions.append(_Version(max(last.day, project.actual_finish or last.day), *current, None))
    # The money spent grows with the progress, up to today's figure in the last version.
    share = project.invested / project.progress if project.progress else Decimal("0")
    versions[1:-1] = [replace(v, invested=(v.progress * share).quantize(CENT)) for v in versions[1:-1]]
    versions[-1] = replace(versions[-1], invested=project.invested)
    return versions


def _parent_versions(spec: _Spec, children: list[list[_Version]]) -> list[_Version]:
    """A project with sub-projects on each day one of them changed, derived as the services do."""
    kids = [c.project for c in spec.children]
    weight = Decimal(sum(k.weight for k in kids))
    not_yet = _Version(spec.created.date(), ProjectStatus.PLANNED, Decimal("0"), None, None, Decimal("0"))
    versions = [not_yet]
    starts = [[v.day for v in versions_] for versions_ in children]
    for day in sorted({v.day for versions_ in children for v in versions_[1:]}):
        states = []
        for versions_, days in zip(children, starts, strict=True):
            k = bisect_right(days, day)
            states.append(versions_[k - 1] if k else not_yet)
        started = [s.actual_start for s in states if s.actual_start]
        if all(s.status == ProjectStatus.COMPLETED for s in states):
            status, actual_start, actual_finish = (
                ProjectStatus.COMPLETED,
                min(started),
                max(s.actual_finish for s in states),
            )
        elif started:
            status, actual_start, actual_finish = ProjectStatus.IN_PROGRESS, min(started), None
        else:
            status, actual_start, actual_finish = ProjectStatus.PLANNED, None, None
        progress = percent(sum(s.progress * k.weight for s, k in zip(states, kids, strict=True)) / weight)
        invested = sum((s.invested for s in states), Decimal("0"))
        versions.append(_Version(day, status, progress, actual_start, actual_finish, invested))
    return versions


# The history's columns: the project's fields that a change leaves as they are, then those it
# sets (in `_history_rows`' order), then simple-history's own.
_CHANGED = ("status", "progress", "actual_start", "actual_finish", "invested", "yellow_from", "red_from", "updated_at")
_RECORD = ("history_date", "history_type", "history_user_id", "history_change_reason")


def _kept_columns() -> list[str]:
    return [f.attname for f in Project.history.model.tracked_fields if f.attname not in _CHANGED]


def _plain(value: object) -> str:
    """A value that needs no escaping (a choice, number, date or moment, or None) as COPY text."""
    return NULL if value is None else str(value)


def _history_rows(
    spec: _Spec, versions: list[_Version], kept: list[str], now: datetime, thresholds: tuple[int, int]
) -> list[tuple[str, ...]]:
    """The project's simple-history rows as COPY text ('+' at its creation, '~' after), oldest first."""
    project = spec.project
    values = {c: getattr(project, c) for c in kept}
    values["created_at"] = spec.created
    fixed = tuple(copy_value(values[c]) for c in kept)
    rows = []
    for k, version in enumerate(versions):
        moment = spec.created if k == 0 else min(local_moment(version.day, time(17)), now)
        yellow_from, red_from = health_dates(
            planned_start=project.planned_start,
            planned_finish=project.planned_finish,
            progress=version.progress,
            completed=version.status == ProjectStatus.COMPLETED,
            yellow_threshold=thresholds[0],
            red_threshold=thresholds[1],
        )
        changed = (
            version.status,
            version.progress,
            version.actual_start,
            version.actual_finish,
            version.invested,
            yellow_from,
            red_from,
            moment,
            moment,
            "~" if k else "+",
            None,
            None,
        )
        rows.append(fixed + tuple(map(_plain, changed)))
    return rows


def _write_history(specs: list[_Spec], now: datetime) -> None:
    """Every project's history in bulk (COPY on PostgreSQL), then its created_at from the first version."""
    History = Project.history.model
    kept = _kept_columns()
    thresholds = (settings.HEALTH_YELLOW_THRESHOLD, settings.HEALTH_RED_THRESHOLD)
    pipe = CopyPipe() if uses_copy() else None  # PostgreSQL takes a batch while the next one is made
    writer = RowWriter(History, [*kept, *_CHANGED, *_RECORD], batch_size=5000, pipe=pipe)
    try:
        for spec in specs:
            children = [_leaf_versions(c) for c in spec.children]
            for child, versions in zip(spec.children, children, strict=True):
                writer.extend(_history_rows(child, versions, kept, now, thresholds))
            versions = _parent_versions(spec, children) if spec.children else _leaf_versions(spec)
            writer.extend(_history_rows(spec, versions, kept, now, thresholds))
        writer.flush()
    finally:
        if pipe is not None:
            pipe.close()
    if specs:
        ids = [s.project.pk for s in specs] + [c.project.pk for s in specs for c in s.children]
        created = History.objects.filter(id=OuterRef("pk"), history_type="+").values("history_date")[:1]
        Project.objects.filter(pk__range=(min(ids), max(ids))).update(
            created_at=Coalesce(Subquery(created), F("created_at"))
        )


def seed_projects(
    *,
    rng: random.Random,
    count: int,
    today: date,
    places,
    departments,
    users,
    progress: Callable[[str, int, int], None] | None = None,
) -> BuiltProjects:
    """Build `count` projects (sub-projects included) over the six programmes and two years."""
    programmes = {p.code: p for p in Programme.objects.all()}
    codes = [code for code in corpus.PROJECTS if code in programmes]
    now = timezone.now()
    builder = _Builder(rng=rng, today=today, now=now, places=places, departments=departments, users=users)
    specs: list[_Spec] = []
    made = 0
    while made < count and codes:
        code = codes[len(specs) % len(codes)]
        template = rng.choice(corpus.PROJECTS[code])
        year = today.year if rng.random() < 0.6 else today.year - 1
        sd = rng.choice(places.subdistricts)
        remaining = count - made
        if template.parent_title and remaining >= 4 and rng.random() < 0.4:
            n = rng.randint(2, min(4, remaining - 1))
            specs.append(builder.parent(template, programmes[code], year, sd, n))
            made += 1 + n
        else:
            specs.append(builder.single(template, programmes[code], year, sd))
            made += 1

    built = BuiltProjects()
    tops = [s.project for s in specs]
    children = [c for s in specs for c in s.children]
    for spec in [*specs, *children]:
        _finish(spec.project)
    Project.objects.bulk_create(tops, batch_size=1000)
    for child in children:
        child.project.parent_id = child.project.parent.pk
    Project.objects.bulk_create([c.project for c in children], batch_size=1000)
    _write_history(specs, now)
    built.projects = len(tops) + len(children)
    if progress:
        progress("项目", built.projects, count)

    milestones, updates, area_links, co_links = [], [], [], []
    AreaLink, CoLink = Project.areas.through, Project.co_departments.through
    for spec in [*specs, *children]:
        project = spec.project
        for m in spec.milestones:
            m.project = project
            m.clean_fields(exclude=_FK_FIELDS)
            m.clean()
            milestones.append(m)
        for u in spec.updates:
            u.project = project
            u.clean_fields(exclude=_FK_FIELDS)
            u.clean()
            updates.append(u)
        area_links.extend(AreaLink(project_id=project.pk, area_id=a.pk) for a in spec.areas)
        co_links.extend(CoLink(project_id=project.pk, department_id=d.pk) for d in spec.co_departments)
        if project.parent_id is None and project.is_public:
            built.index.setdefault((project.programme_id, spec.subdistrict.pk), []).append(project.pk)
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
    AreaLink.objects.bulk_create(area_links, batch_size=2000)
    CoLink.objects.bulk_create(co_links, batch_size=2000)
    built.milestones, built.updates = len(milestones), len(updates)
    return built
