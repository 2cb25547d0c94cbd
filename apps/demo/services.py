"""Deterministic demo data: places, departments, officials, projects and residents' requests.

`demo_seed` builds the same data for the same seed (and the same day: dates are laid out
backwards from `today`). Small fixed parts (areas, departments, officials) go through the
domain services; the parts that scale (projects, requests and their events) are bulk-built
rows that equal what the services would have produced — tests/demo checks that.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from apps.accounts.models import OfficialProfile, ScopeKind
from apps.appeals.models import Appeal, AppealEvent, AppealPhoto, TrackingCounter
from apps.appeals.rollups import rollups_rebuild
from apps.common.cache import invalidate
from apps.demo import corpus
from apps.demo.appeals import seed_appeals
from apps.demo.projects import seed_projects
from apps.demo.proposals import seed_proposal_cycle
from apps.demo.topics import demo_topic_models, seed_monthly_topics
from apps.places.models import Area, AreaLevel, Department, DepartmentKind
from apps.places.services import area_create
from apps.projects.models import Milestone, ProgressUpdate, Project, ProjectPhoto
from apps.proposals.models import (
    EvaluationMark,
    EvaluationResult,
    EvaluationRound,
    Inspection,
    Proposal,
    ProposalCounter,
    VoteSession,
)

DEMO_PASSWORD = "quanshan-demo"
STAFF_GROUP = "工作人员"
DEFAULT_PROJECTS = 150
DEFAULT_REQUESTS = 3000

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    scope: str
    label: str


DEMO_ACCOUNTS = (
    DemoAccount("district", ScopeKind.DISTRICT, "全区"),
    DemoAccount("kuishan", ScopeKind.SUBDISTRICT, "奎山街道"),
    DemoAccount("zhujian", ScopeKind.DEPARTMENT, "区住房和城乡建设局"),
    DemoAccount("deputy", ScopeKind.DEPUTY, "区人大代表"),
)


class DemoRefused(Exception):
    """Seeding would touch data the demo did not make, or reset outside DEBUG."""


@dataclass
class Places:
    district: Area
    subdistricts: list[Area]
    communities: dict[int, list[Area]]  # 街道 id → its 社区
    compounds: dict[int, list[Area]]  # 社区 id → its 小区
    points: dict[int, tuple[float, float]]  # area id → (lat, lng)

    @property
    def all_communities(self) -> list[Area]:
        return [c for sd in self.subdistricts for c in self.communities[sd.pk]]

    @property
    def all_compounds(self) -> list[Area]:
        return [cp for cm in self.all_communities for cp in self.compounds[cm.pk]]


@dataclass
class Departments:
    by_code: dict[str, Department]
    offices: dict[int, Department]  # 街道 id → its 街道办事处

    @property
    def names(self) -> dict[int, str]:
        return {d.pk: d.name for d in self.by_code.values()}

    def resolve(self, code: str, subdistrict_id: int) -> Department:
        """A department by code; the placeholder "jd" is the 街道办事处 of that 街道."""
        return self.offices[subdistrict_id] if code == corpus.SUBDISTRICT_OFFICE else self.by_code[code]


@dataclass
class Summary:
    areas: int = 0
    departments: int = 0
    projects: int = 0
    milestones: int = 0
    updates: int = 0
    requests: int = 0
    events: int = 0
    accounts: bool = False
    proposals: int = 0
    ballots: int = 0
    topics: int = 0
    seconds: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)


def demo_has_content() -> bool:
    """True when the database already holds projects or requests."""
    return Project.objects.exists() or Appeal.objects.exists()


def demo_check_can_seed(*, reset: bool) -> None:
    """Refuse to seed over existing data, and refuse a reset outside DEBUG."""
    if reset:
        if not settings.DEBUG:
            raise DemoRefused("DEBUG 未开启：--reset 会删除全部项目和诉求，只能在开发环境（DEBUG=true）中使用。")
        return
    if demo_has_content():
        raise DemoRefused(
            "数据库中已有项目或诉求，seed_demo 不会覆盖不是它生成的数据。"
            "如需在开发库中重建演示数据，请设置 DEBUG=true 并加 --reset。"
        )


# --- places, departments and officials ---------------------------------------------------------


def _point(rng: random.Random, lat: float, lng: float, spread: float) -> tuple[float, float]:
    return round(lat + rng.uniform(-spread, spread), 6), round(lng + rng.uniform(-spread, spread), 6)


def _area(*, name: str, level: int, parent: Area | None, code: str | None, point, order: int) -> Area:
    """The area with this code (or name under this parent), created through the service if missing."""
    existing = None
    if code:
        existing = Area.objects.filter(code=code).first()
    if existing is None:
        existing = Area.objects.filter(parent=parent, name=name, level=level).first()
    if existing is not None:
        return existing
    return area_create(
        name=name,
        level=level,
        parent=parent,
        code=code,
        latitude=Decimal(str(point[0])),
        longitude=Decimal(str(point[1])),
        order=order,
    )


def demo_places() -> Places:
    """The district, its 14 街道, their 社区 and some 小区. Independent of the seed."""
    rng = random.Random("quanshan-places")
    name, code, lat, lng = corpus.DISTRICT
    district = Area.objects.filter(level=AreaLevel.DISTRICT).first() or _area(
        name=name, level=AreaLevel.DISTRICT, parent=None, code=code, point=(lat, lng), order=0
    )
    places = Places(district=district, subdistricts=[], communities={}, compounds={}, points={})
    places.points[district.pk] = (lat, lng)
    for i, (sd_name, _pinyin, sd_lat, sd_lng, communities) in enumerate(corpus.SUBDISTRICTS, start=1):
        sd = _area(
            name=sd_name,
            level=AreaLevel.SUBDISTRICT,
            parent=district,
            code=f"320311{i:03d}000",
            point=(sd_lat, sd_lng),
            order=i,
        )
        places.subdistricts.append(sd)
        places.points[sd.pk] = (sd_lat, sd_lng)
        places.communities[sd.pk] = []
        for j, cm_name in enumerate(communities, start=1):
            point = _point(rng, sd_lat, sd_lng, 0.008)
            cm = _area(
                name=cm_name,
                level=AreaLevel.COMMUNITY,
                parent=sd,
                code=f"320311{i:03d}{j:03d}",
                point=point,
                order=j,
            )
            places.communities[sd.pk].append(cm)
            places.points[cm.pk] = point
            places.compounds[cm.pk] = []
            names = rng.sample(corpus.COMPOUND_PREFIXES, 3)
            for k, prefix in enumerate(names[: rng.randint(1, 3)], start=1):
                cp_point = _point(rng, *point, 0.002)
                cp = _area(
                    name=prefix + rng.choice(corpus.COMPOUND_SUFFIXES),
                    level=AreaLevel.COMPOUND,
                    parent=cm,
                    code=None,
                    point=cp_point,
                    order=k,
                )
                places.compounds[cm.pk].append(cp)
                places.points[cp.pk] = cp_point
    return places


def demo_departments(places: Places) -> Departments:
    by_code: dict[str, Department] = {}
    offices: dict[int, Department] = {}
    rows = [(code, name, short, kind, None) for code, name, short, kind in corpus.DEPARTMENTS]
    for sd, (sd_name, pinyin, *_rest) in zip(places.subdistricts, corpus.SUBDISTRICTS, strict=True):
        rows.append((f"{pinyin}-jd", f"{sd_name}街道办事处", f"{sd_name}街道", DepartmentKind.SUBDISTRICT, sd))
    for order, (code, name, short, kind, area) in enumerate(rows, start=1):
        dept = Department.objects.filter(code=code).first() or Department.objects.filter(name=name).first()
        if dept is None:
            dept = Department(code=code, name=name, short_name=short, kind=kind, area=area, order=order)
            dept.full_clean()
            dept.save()
        by_code[code] = dept
        if area is not None:
            offices[area.pk] = dept
    return Departments(by_code=by_code, offices=offices)


def demo_officials(places: Places, departments: Departments) -> dict[str, object]:
    """The demo officials (staff members of the group 工作人员) and a people's congress deputy
    (who reads the candidates and writes only their own ballots and 视察), password quanshan-demo."""
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    kuishan = next(sd for sd in places.subdistricts if sd.name == "奎山")
    scopes = {
        "district": dict(scope=ScopeKind.DISTRICT, subdistrict=None, department=None, title="区社会治理指挥中心科员"),
        "kuishan": dict(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan, department=None, title="奎山街道办事处科员"),
        "zhujian": dict(
            scope=ScopeKind.DEPARTMENT,
            subdistrict=None,
            department=departments.by_code["zhujian"],
            title="区住房和城乡建设局科员",
        ),
        "deputy": dict(scope=ScopeKind.DEPUTY, subdistrict=None, department=None, title="区人大代表"),
    }
    users = {}
    password = make_password(DEMO_PASSWORD)  # one (slow, salted) hash serves every demo account
    for account in DEMO_ACCOUNTS:
        spec = scopes[account.username]
        user = User.objects.filter(username=account.username).first() or User(username=account.username)
        user.is_staff = True
        user.is_active = True
        user.password = password
        user.save()
        if account.scope != ScopeKind.DEPUTY:  # a deputy's rights come from the scope, not the group
            user.groups.add(group)
        profile = OfficialProfile.objects.filter(user=user).first() or OfficialProfile(user=user)
        profile.scope = spec["scope"]
        profile.subdistrict = spec["subdistrict"]
        profile.department = spec["department"]
        profile.public_name = f"演示账号（{account.label}）"
        profile.title = spec["title"]
        profile.full_clean()
        profile.save()
        users[account.username] = user
    return users


# --- reset -----------------------------------------------------------------------------------


def _demo_models() -> list:
    """Every table that holds projects, requests or rows hanging off them."""
    roots = [Appeal, AppealEvent, AppealPhoto, TrackingCounter, Project, Milestone, ProgressUpdate, ProjectPhoto]
    roots += [Proposal, Proposal.source_appeals.through, ProposalCounter, VoteSession, VoteSession.candidates.through]
    roots += [EvaluationRound, EvaluationMark, EvaluationResult, Inspection, *demo_topic_models()]
    models_ = list(roots)
    for model in roots:
        history = getattr(model, "history", None)
        if history is not None:
            models_.append(history.model)
    models_.append(Appeal.projects.through)
    models_.append(Project.areas.through)
    models_.append(Project.co_departments.through)
    # Anything another app hangs off projects or requests goes too (e.g. subscriptions).
    seen = set(models_)
    queue = list(models_)
    while queue:
        model = queue.pop()
        # include_hidden: relations named "+" (a follow's project) point here too.
        reverse = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
        for rel in reverse:
            related = rel.related_model
            if related not in seen:
                seen.add(related)
                models_.append(related)
                queue.append(related)
    return models_


def demo_reset() -> None:
    """Delete all projects and requests (and the demo officials). Only with DEBUG on."""
    if not settings.DEBUG:
        raise DemoRefused("DEBUG 未开启，拒绝删除数据。")
    with transaction.atomic():
        invalidate()  # TRUNCATE bypasses the signals
        if connection.vendor == "postgresql":
            tables = sorted({m._meta.db_table for m in _demo_models()})
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            with connection.cursor() as cursor:
                # TRUNCATE refuses tables with deferred checks pending (rows written earlier in
                # this transaction): run those checks first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {quoted}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            VoteSession.objects.all().delete()
            EvaluationRound.objects.all().delete()
            Proposal.objects.all().delete()
            Appeal.objects.all().delete()
            Project.objects.all().delete()
            TrackingCounter.objects.all().delete()
            for model in _demo_models():
                if model not in (Appeal, Project, TrackingCounter, Proposal, VoteSession, EvaluationRound):
                    model._default_manager.all().delete()
        get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).delete()


# --- the whole run ---------------------------------------------------------------------------


def demo_seed(
    *,
    projects: int = DEFAULT_PROJECTS,
    requests: int = DEFAULT_REQUESTS,
    seed: int = 1,
    reset: bool = False,
    accounts: bool = False,
    today: date | None = None,
    progress: ProgressCallback | None = None,
) -> Summary:
    """Fill an empty database with demo data. Refuses (DemoRefused) when that would touch
    existing projects or requests, unless `reset` (DEBUG only).

    The demo officials (published password) are made only with `accounts`; without them the
    demo's progress updates and request steps have no author, as rows imported from elsewhere."""
    if projects < 0 or requests < 0:
        raise ValueError("projects and requests must not be negative")
    today = today or timezone.localdate()
    if today > timezone.localdate():
        raise ValueError("today must not lie in the future")
    started = time.monotonic()
    summary = Summary()
    with transaction.atomic():
        demo_check_can_seed(reset=reset)
        invalidate()  # rows go in by COPY and bulk_create, past the signals
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The seed's few big statements (foreign-key checks, the rollups' aggregates) run
                # once: compiling them with JIT cost more CPU than it saved (5 s of 9 s for the
                # step rollup of 100,000 requests, in each parallel worker).
                cursor.execute("SET LOCAL jit = off")
        if reset:
            demo_reset()
        places = demo_places()
        departments = demo_departments(places)
        users = demo_officials(places, departments) if accounts else dict.fromkeys(a.username for a in DEMO_ACCOUNTS)
        summary.accounts = bool(accounts)
        summary.areas = Area.objects.count()
        summary.departments = len(departments.by_code)
        built = seed_projects(
            rng=random.Random(f"projects-{seed}"),
            count=projects,
            today=today,
            places=places,
            departments=departments,
            users=users,
            progress=progress,
        )
        summary.projects, summary.milestones, summary.updates = built.projects, built.milestones, built.updates
        made = seed_appeals(
            seed=seed,
            count=requests,
            today=today,
            places=places,
            departments=departments,
            users=users,
            project_index=built.index,
            progress=progress,
        )
        summary.requests, summary.events, summary.status_counts = made.requests, made.events, made.status_counts
        if users.get("district") is not None:
            # The year of 民生实事 goes through the services, which act for a district official.
            cycle = seed_proposal_cycle(
                rng=random.Random(f"proposals-{seed}"), today=today, departments=departments, by=users["district"]
            )
            summary.proposals, summary.ballots = cycle.proposals, cycle.ballots
            summary.topics = seed_monthly_topics(today=today, departments=departments, by=users["district"])
        if progress:
            progress("日汇总", 0, 1)
        rollups_rebuild()  # the requests went in past the state machine: one aggregate per table
        if progress:
            progress("日汇总", 1, 1)
    summary.seconds = time.monotonic() - started
    return summary
