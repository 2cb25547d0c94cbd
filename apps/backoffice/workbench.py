"""今日待办: what waits for an official today, within their scope, each count linking to the
admin list that shows exactly those rows. The queues themselves are defined once, in
`apps.appeals.selectors.APPEAL_QUEUES` and `apps.projects.selectors.PROJECT_QUEUES`; here they
are only counted (one query per group) and linked.

The counts of a scope are kept in the cache (`_scope_counts`) and counted again after a request
or project changes (their data versions), and at the latest after WORKBENCH_COUNTS_SECONDS, so
the clock-driven queues (due within 24/48 h, overdue) lag by at most that much. Another
official's step shows within WORKBENCH_STALE_SECONDS: an office writing several times a second
would otherwise count every queue again after every step (at 1,000,000 requests a district's
counts take about 0.25 s). The official's own step shows at once (`apps.backoffice.middleware` notes when
they last changed something). The page says when the counts were made. The list of the most
urgent requests is read every time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from apps.accounts.scoping import Scope, ScopeKind, scope_of
from apps.appeals.models import Appeal
from apps.appeals.selectors import APPEAL_QUEUES, appeal_queue_counts, most_urgent_appeals
from apps.common.admin_utils import deadline_badge
from apps.common.cache import OFFICE, PROJECTS, cached_value
from apps.projects.models import Project
from apps.projects.selectors import PROJECT_QUEUES, project_queue_counts


@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    count: int
    url: str


@dataclass(frozen=True)
class Urgent:
    appeal: Appeal
    due: str
    url: str


@dataclass
class Workbench:
    appeal_tiles: list[Tile] = field(default_factory=list)
    project_tiles: list[Tile] = field(default_factory=list)
    urgent: list[Urgent] = field(default_factory=list)
    now: datetime | None = None
    counted_at: datetime | None = None  # when the oldest of the counts shown was computed
    appeals_url: str = ""
    behind_url: str = ""
    comparison_url: str = ""


WROTE_AT = "office_wrote_at"  # session key: when the official last changed something (epoch seconds)


def counts_key(group: str, scope: Scope) -> str:
    """The cache key of a scope's counts of one group ("appeals", "projects")."""
    return f"workbench:{group}:{scope.kind}:{scope.subdistrict_id or ''}:{scope.department_id or ''}"


def _scope_counts(
    group: str,
    scope: Scope,
    depends: str,
    count: Callable[[datetime], dict[str, int]],
    *,
    wrote_at: float | None = None,
) -> tuple[dict[str, int], datetime]:
    """`count(now)` for `scope`, and when it was computed: from the cache for at most
    WORKBENCH_COUNTS_SECONDS while no request or project (`depends`) changed, and for at most
    WORKBENCH_STALE_SECONDS after a change, unless they are older than this official's own last
    change (`wrote_at`); computed directly when the cache fails."""

    def compute() -> tuple[dict[str, int], datetime]:
        now = timezone.now()
        return count(now), now

    key = counts_key(group, scope)
    fresh_for, lag_for = settings.WORKBENCH_COUNTS_SECONDS, settings.WORKBENCH_STALE_SECONDS
    counts, at = cached_value(key, compute, fresh_for=fresh_for, depends=(depends,), stale_ok=False, lag_for=lag_for)
    if wrote_at is not None and at.timestamp() < wrote_at:
        counts, at = cached_value(key, compute, fresh_for=fresh_for, depends=(depends,), stale_ok=False)
    return counts, at


def workbench(request) -> Workbench | None:
    """The workbench of the signed-in official, or None for someone with no scope."""
    scope = scope_of(request.user)
    if scope.kind == ScopeKind.NONE:
        return None
    now = timezone.now()
    bench = Workbench(now=now)
    wrote_at = request.session.get(WROTE_AT) if hasattr(request, "session") else None
    if request.user.has_perm("appeals.view_appeal"):
        appeals = scope.filter_appeals(Appeal.objects.all())
        counts, bench.counted_at = _scope_counts(
            "appeals", scope, OFFICE, lambda at: appeal_queue_counts(appeals, now=at, scope=scope), wrote_at=wrote_at
        )
        bench.appeals_url = reverse("admin:appeals_appeal_changelist")
        bench.appeal_tiles = [
            Tile(q.key, q.label, counts[q.key], f"{bench.appeals_url}?queue={q.key}") for q in APPEAL_QUEUES
        ]
        bench.urgent = [
            Urgent(item, deadline_badge(item.deadline, now), reverse("admin:appeals_appeal_change", args=[item.pk]))
            for item in most_urgent_appeals(appeals)
        ]
    if request.user.has_perm("projects.view_project"):
        projects = scope.filter_projects(Project.objects.all())
        counts, at = _scope_counts(
            "projects",
            scope,
            PROJECTS,
            lambda at: project_queue_counts(projects, today=timezone.localdate(at)),
            wrote_at=wrote_at,
        )
        bench.counted_at = min(bench.counted_at or at, at)
        url = reverse("admin:projects_project_changelist")
        bench.behind_url = reverse("admin:projects_project_behind")
        bench.comparison_url = reverse("admin:projects_project_comparison")
        bench.project_tiles = [Tile(q.key, q.label, counts[q.key], f"{url}?queue={q.key}") for q in PROJECT_QUEUES]
    return bench
