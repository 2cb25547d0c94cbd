"""Tuned reads of residents' requests, including the 三率 (响应率, 解决率, 满意率)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import ALL, Scope, ScopeKind
from apps.appeals.figures import (
    GROUPS,
    THREE_RATES,
    Figure,
    GroupFigures,
    direct_counts,
    figure_definitions,
    figures_by,
)
from apps.appeals.models import (
    DUE_STATUSES,
    OPEN_STATUSES,
    PUBLICATION_PENDING,
    QUEUE_CANDIDATES,
    Appeal,
    AppealCoAssignment,
    AppealEvent,
    ReplyTemplate,
    Status,
    deadline_expression,
    overdue_q,
)
from apps.categories.selectors import in_category_q
from apps.common.pii import name_index, phone_index
from apps.places.models import Area, AreaLevel, Department, DepartmentKind
from apps.places.selectors import area_subtree_ids
from apps.projects.selectors import public_projects


def rate_definitions() -> dict[str, str]:
    """The 三率's formulas in words (settings.FIGURES), as the API and /stats/ show them."""
    words = figure_definitions()
    return {key: words[key] for key in ("response", "resolution", "satisfaction")}


@dataclass
class Rates:
    """The 三率 of one 街道 or unit: each rate's numerator and denominator (settings.FIGURES;
    by default 响应率 = responded_in_time ÷ received, 解决率 = resolved ÷ due, 满意率 =
    satisfied ÷ rated) and, in `figures`, every figure with its 环比."""

    key: int
    name: str
    received: int
    responded_in_time: int
    due: int
    resolved: int
    rated: int
    satisfied: int
    figures: dict[str, Figure] = field(default_factory=dict)

    @staticmethod
    def _ratio(part: int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def response_rate(self) -> Decimal | None:
        return self._ratio(self.responded_in_time, self.received)

    @property
    def resolution_rate(self) -> Decimal | None:
        return self._ratio(self.resolved, self.due)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return self._ratio(self.satisfied, self.rated)

    @property
    def score(self) -> Decimal | None:
        """Weighted mean of the rates that have a denominator (weights from settings)."""
        parts = [
            (self.response_rate, settings.RATES_WEIGHTS["response"]),
            (self.resolution_rate, settings.RATES_WEIGHTS["resolution"]),
            (self.satisfaction_rate, settings.RATES_WEIGHTS["satisfaction"]),
        ]
        known = [(rate, weight) for rate, weight in parts if rate is not None and weight]
        if not known:
            return None
        total = sum(weight for _, weight in known)
        return (sum(rate * weight for rate, weight in known) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def rankable(self) -> bool:
        return self.received >= settings.RATES_MIN_SAMPLE

    @property
    def figure_list(self) -> list[Figure]:
        return list(self.figures.values())

    @classmethod
    def of(cls, group: GroupFigures) -> Rates:
        figures = group.figures

        def parts(key: str) -> tuple[int, int]:
            figure = figures[key]
            return figure.numerator, figure.denominator or 0

        responded_in_time, received = parts("response")
        resolved, due = parts("resolution")
        satisfied, rated = parts("satisfaction")
        return cls(group.key, group.name, received, responded_in_time, due, resolved, rated, satisfied, figures)


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    """The whole days of [start, end) in the site's time zone (an end inside a day includes it)."""
    return timezone.localtime(start).date(), timezone.localtime(end - timedelta(microseconds=1)).date()


def rates_ranked(groups: Iterable[GroupFigures]) -> list[Rates]:
    """The groups that received requests, as Rates, rankable ones first, best score first."""
    result = [Rates.of(group) for group in groups if group.counts["received"]]
    result.sort(key=lambda r: (not r.rankable, -(r.score or Decimal(-1)), r.name))
    return result


def appeal_rates_by(
    *,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    groups: tuple[str, ...] = GROUPS,
    keys: tuple[str, ...] | None = None,
) -> dict[str, list[Rates]]:
    """`appeal_rates` per 街道 and per unit at once, with every figure (or those of `keys`),
    from the rollups (at most 3 + len(groups) queries)."""
    first_day, last_day = _days(start, end)
    today = timezone.localtime(now or timezone.now()).date()
    by = figures_by(first_day=first_day, last_day=last_day, groups=groups, today=today, keys=keys)
    return {group_by: rates_ranked(rows) for group_by, rows in by.items()}


def appeal_rates(
    *,
    start: datetime,
    end: datetime,
    group_by: str = "subdistrict",
    now: datetime | None = None,
    queryset: QuerySet | None = None,
) -> list[Rates]:
    """三率 (with 环比 in `figures`) of requests received in the days of [start, end), per 街道
    or per unit, best first; groups that received nothing in the period are left out.

    From the daily rollups (3 queries, whatever the number of requests and the period), or for
    `queryset` (a scope the rollups do not group by, such as one 社区) from its requests.
    """
    if group_by not in GROUPS:
        raise ValueError("group_by must be 'subdistrict' or 'department'")
    if queryset is None:
        return appeal_rates_by(start=start, end=end, now=now, groups=(group_by,), keys=THREE_RATES)[group_by]
    first_day, last_day = _days(start, end)
    today = timezone.localtime(now or timezone.now()).date()
    counts = direct_counts(first_day, last_day, group_by, today=today, requests=queryset, keys=THREE_RATES)
    model = Area if group_by == "subdistrict" else Department
    names = dict(model.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    return rates_ranked(GroupFigures(key, names.get(key, ""), c, keys=THREE_RATES) for key, c in counts.items())


# What a resident may see of a step: statuses and the public reply, never the internal note.
PUBLIC_EVENT_FIELDS = ("action", "from_status", "to_status", "actor_label", "reply", "until", "at", "appeal_id")
# The office's own business between dispatcher and unit: a resident sees the decision (延期至…),
# not the asking, the refusing, the 督办 exchange or a co-department signing for its part.
INTERNAL_STEPS = ("request_extension", "refuse_extension", "supervise", "answer_supervision", "co_sign")


CO_DEPARTMENT_LABEL = "协办单位"


def public_events() -> QuerySet[AppealEvent]:
    """Steps with their public columns only, in order."""
    return AppealEvent.objects.only(*PUBLIC_EVENT_FIELDS).exclude(action__in=INTERNAL_STEPS).order_by("at", "id")


def public_timeline(events: Iterable[AppealEvent], *, published_reply: str) -> list[AppealEvent]:
    """A published request's steps as the public sees them: the reply only in its public
    version, on the last step that gave one (earlier replies were superseded by it)."""
    steps = [copy.copy(event) for event in events]
    for step in steps:
        if step.action == "co_reply":
            step.actor_label = CO_DEPARTMENT_LABEL  # only that a co-department took part
    replied = [step for step in steps if step.reply]
    for step in replied:
        step.reply = ""
    if replied:
        replied[-1].reply = published_reply
    return steps


def appeal_public_timeline(appeal: Appeal) -> QuerySet[AppealEvent]:
    """The steps a resident may see: statuses and public replies, never internal notes."""
    return appeal.events.only(*PUBLIC_EVENT_FIELDS, "reason").exclude(action__in=INTERNAL_STEPS)


def appeal_for_tracking_token(token: str) -> Appeal | None:
    """The request a resident's signed link opens, else None (forged, expired or revoked)."""
    from apps.appeals.tracking import read_tracking_token

    carried = read_tracking_token(token)
    if carried is None:
        return None
    pk, nonce = carried
    return (
        Appeal.objects.select_related("area", "subdistrict", "department", "programme")
        .filter(pk=pk, tracking_nonce=nonce)
        .first()
    )


def appeal_for_tracking(*, tracking_no: str, phone_last4: str) -> Appeal | None:
    """The request matching both its tracking number and the last 4 phone digits, else None."""
    tracking_no = (tracking_no or "").strip().upper()
    phone_last4 = (phone_last4 or "").strip()
    if len(phone_last4) != 4 or not phone_last4.isdigit() or not tracking_no:
        return None
    appeal = (
        Appeal.objects.select_related("area", "subdistrict", "department", "programme", "merged_into")
        .filter(tracking_no=tracking_no)
        .first()
    )
    if appeal is None or not appeal.submitter_phone or appeal.phone_last4 != phone_last4:
        return None
    return appeal


def appeals_with_phone(queryset: QuerySet[Appeal], phone: str) -> QuerySet[Appeal]:
    """The requests whose submitter's phone is exactly this number, however either was written
    (+86, dashes, spaces): through the blind index, since the database holds no phone number."""
    index = phone_index(phone)
    return queryset.filter(submitter_phone_index=index) if index else queryset.none()


def appeals_by_name(queryset: QuerySet[Appeal], name: str) -> QuerySet[Appeal]:
    """The requests whose submitter gave exactly this name (spaces and middle dots aside):
    through the blind index, so a name is found only whole, never by a part of it."""
    index = name_index(name)
    return queryset.filter(submitter_name_index=index) if index else queryset.none()


def in_area_q(area_id: int, level: int | None) -> Q:
    """Requests filed in an area or below it, as one indexed condition where possible: a 街道
    through the denormalised `subdistrict`, a 社区 with its 小区, the whole district as no
    condition. `level` is the area's (None: the area does not exist, so nothing matches)."""
    if level is None:
        return Q(pk__in=[])
    if level == AreaLevel.DISTRICT:
        return Q()
    if level == AreaLevel.SUBDISTRICT:
        return Q(subdistrict_id=area_id)
    # The 社区's own id and its 小区's ids, as values (kept in the cache): the planner then reads the
    # requests of those areas by index instead of walking the newest requests through a join
    # until enough match (0.9 s for a rare type in a 社区 at 1,000,000 requests; now a few ms).
    return Q(area_id__in=area_subtree_ids(area_id))


# --- Published requests ----------------------------------------------------------------------------

# The columns any public row of a request may use: its public version (published_*), never
# the text as written; the submitter's name leaves only masked (mask_name), and phone, contact,
# exact place and coordinates are never read.
PUBLIC_APPEAL_COLUMNS = (
    "id",
    "kind",
    "status",
    "published_title",
    "published_content",
    "published_reply",
    "submitter_name",
    "submitted_at",
    "responded_at",
    "resolved_at",
    "rating",
    "updated_at",
    "consent_to_publish",
    "publish_approved",
    "area__name",
    "area__level",
    "subdistrict__name",
    "programme__code",
    "programme__name",
    "programme__name_en",
    "programme__colour",
    "department__code",
    "department__name",
    "category__code",
    "category__name",
    "category__name_en",
    "category__level",
)


def linked_public_projects() -> Prefetch:
    """A request's linked projects that the public may see, as `public_projects`."""
    return Prefetch(
        "projects", queryset=public_projects().only("id", "title").order_by("id"), to_attr="public_projects"
    )


def published_appeals(*, linked_projects: bool = True) -> QuerySet[Appeal]:
    """Published requests with the public columns only, newest first, in a fixed number of queries
    (the public site, the REST API and its exports). Without `linked_projects`, one query less."""
    appeals = (
        Appeal.objects.published()
        .select_related("area", "subdistrict", "programme", "department", "category")
        .only(*PUBLIC_APPEAL_COLUMNS)
        .order_by("-submitted_at", "-id")
    )
    return appeals.prefetch_related(linked_public_projects()) if linked_projects else appeals


SIMILAR_LIMIT = 5


def similar_open_appeals(*, area_id: int, category_code: str, limit: int = SIMILAR_LIMIT) -> list[dict]:
    """附近已有相同反映: open published requests of one 社区 (its 小区 included; a 街道 when no
    社区 is known) and one class with everything under it, newest first, at most `limit`.

    Only the public version's title, the tracking number and the status are read: no name,
    phone, place or text as written. Two queries: the area's level, then the requests on the
    published (area, category) index.
    """
    level = Area.objects.filter(pk=area_id, level__gte=AreaLevel.SUBDISTRICT).values_list("level", flat=True).first()
    if level is None:
        return []
    rows = (
        Appeal.objects.published()
        .filter(in_area_q(area_id, level), in_category_q(category_code), status__in=OPEN_STATUSES)
        .order_by("-submitted_at", "-id")
        .values("tracking_no", "published_title", "status")[:limit]
    )
    return list(rows)


# Letters or characters in a row that pg_trgm needs to use its index: `%路灯%` has no trigram.
_SEARCH_WORD = re.compile(r"\w+")
TRIGRAM = 3


def published_text_search(queryset: QuerySet[Appeal], value: str) -> QuerySet[Appeal]:
    """The published requests whose public title or content contains `value` (case-insensitive).

    Only the public version: searching the text as written would let anyone recover a masked
    phone number digit by digit from which queries match. On PostgreSQL the trigram indexes of
    the public version (migration appeals 0015) answer a word of 3 or more characters in
    milliseconds at any size. A shorter word (`路灯`, `井`) has no trigram and would scan every row, so it
    searches the newest `SEARCH_SHORT_ROWS` published requests only: the recent ones, at a cost
    that does not grow with the table.
    """
    found = queryset.filter(Q(published_title__icontains=value) | Q(published_content__icontains=value))
    if max((len(word) for word in _SEARCH_WORD.findall(value)), default=0) >= TRIGRAM:
        return found
    return found.filter(submitted_at__gte=_short_search_since())


def _short_search_since() -> Coalesce:
    """The submission time of the `SEARCH_SHORT_ROWS`-th newest published request (one indexed
    subquery; the epoch when there are fewer)."""
    window = settings.SEARCH_SHORT_ROWS
    nth = Appeal.objects.published().order_by("-submitted_at", "-id").values("submitted_at")[window - 1 : window]
    return Coalesce(Subquery(nth), Value(datetime(1970, 1, 1, tzinfo=dt_timezone.utc)))


# --- The officials' to-do queues (今日待办) ------------------------------------------------------


def due_within_q(now: datetime, hours: int) -> Q:
    """Open requests not yet overdue whose next deadline falls within `hours` from now."""
    until = now + timedelta(hours=hours)
    waiting = Q(status=Status.SUBMITTED, response_due__gte=now, response_due__lt=until)
    handling = Q(
        status__in=[status for status in OPEN_STATUSES if status != Status.SUBMITTED],
        resolve_due__gte=now,
        resolve_due__lt=until,
    )
    return (waiting | handling) & ~overdue_q(now)


@dataclass(frozen=True)
class Queue:
    """One to-do queue of the workbench: its key (the admin list's `?queue=` value), its
    label, and the condition that both counts it and filters the list it links to, given the
    moment and the official's scope (a department's queues are its own part of the loop).

    `candidates` is a fixed condition that every row of the queue meets (the condition implies
    it), that of a partial index (apps.appeals.models): the count and the list both read only
    those rows. Queues with the same candidates are counted together, in one query."""

    key: str
    label: str | Promise
    condition: Callable[[datetime, Scope], Q]
    candidates: Q = QUEUE_CANDIDATES

    def rows(self, now: datetime, scope: Scope) -> Q:
        return self.candidates & self.condition(now, scope)


HANDLING_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)


def led_by_q(scope: Scope) -> Q:
    """For a department: the requests it handles as lead (主办), not those it only co-handles."""
    return Q(department_id=scope.department_id) if scope.kind == ScopeKind.DEPARTMENT else Q()


def co_pending_q(scope: Scope, *, due_before: datetime | None = None) -> Q:
    """Requests being handled on which a co-department of `scope` (any, for the district) has
    not yet given its 协办回复; with `due_before`, only those whose deadline has passed."""
    rows = AppealCoAssignment.objects.filter(replied_at__isnull=True, withdrawn_at__isnull=True)
    if scope.kind == ScopeKind.DEPARTMENT:
        rows = rows.filter(department_id=scope.department_id)
    elif scope.kind == ScopeKind.SUBDISTRICT:
        rows = rows.filter(department__kind=DepartmentKind.SUBDISTRICT, department__area_id=scope.subdistrict_id)
    elif scope.kind != ScopeKind.ALL:
        return Q(pk__in=[])
    if due_before is not None:
        rows = rows.filter(due__lt=due_before)
    # In this order, cheapest first: a request owes 协办回复s only while `co_pending` (kept by
    # the state machine) says so, and only those few are looked up among the co-assignments.
    return Q(status__in=HANDLING_STATUSES) & Q(co_pending__gt=0) & Q(pk__in=rows.values("appeal_id"))


# Each count of the workbench is one line here; the admin's 待办 filter reads the same table,
# so a count and the list it opens cannot disagree.
APPEAL_QUEUES: tuple[Queue, ...] = (
    Queue("to_accept", _("待受理"), lambda now, scope: Q(status=Status.SUBMITTED)),
    Queue("to_assign", _("待派单（含退单）"), lambda now, scope: Q(status__in=[Status.ACCEPTED, Status.RETURNED])),
    Queue("to_sign", _("待签收"), lambda now, scope: Q(status=Status.ASSIGNED) & led_by_q(scope)),
    Queue("co_reply", _("协办待回复"), lambda now, scope: co_pending_q(scope)),
    Queue("co_overdue", _("协办已超期"), lambda now, scope: co_pending_q(scope, due_before=now)),
    Queue("due_24h", _("24 小时内到期"), lambda now, scope: due_within_q(now, 24) & led_by_q(scope)),
    Queue("due_48h", _("48 小时内到期"), lambda now, scope: due_within_q(now, 48) & led_by_q(scope)),
    Queue("overdue", _("已超期"), lambda now, scope: overdue_q(now) & led_by_q(scope)),
    Queue("overdue_3d", _("超期 3 天以上"), lambda now, scope: overdue_q(now - timedelta(days=3)) & led_by_q(scope)),
    Queue("overdue_7d", _("超期 7 天以上"), lambda now, scope: overdue_q(now - timedelta(days=7)) & led_by_q(scope)),
    Queue("unsatisfied", _("不满意待研判（重办或解释说明）"), lambda now, scope: Q(status=Status.REVIEW)),
    Queue("extension_asked", _("延期待审批"), lambda now, scope: Q(extension_until__isnull=False) & led_by_q(scope)),
    Queue(
        "supervised",
        _("督办待答复"),
        lambda now, scope: (
            # Never supervised first: that rules out most requests at once.
            ~Q(supervision="") & Q(supervision_answered_at__isnull=True, status__in=DUE_STATUSES) & led_by_q(scope)
        ),
    ),
    Queue(
        "to_publish",
        _("待审核公开"),
        lambda now, scope: PUBLICATION_PENDING & led_by_q(scope),
        candidates=PUBLICATION_PENDING,
    ),
)
APPEAL_QUEUES_BY_KEY = {queue.key: queue for queue in APPEAL_QUEUES}


def appeals_in_queue(
    queryset: QuerySet[Appeal], key: str, *, now: datetime | None = None, scope: Scope = ALL
) -> QuerySet[Appeal]:
    return queryset.filter(APPEAL_QUEUES_BY_KEY[key].rows(now or timezone.now(), scope))


def appeal_queue_counts(
    queryset: QuerySet[Appeal], *, now: datetime | None = None, scope: Scope = ALL
) -> dict[str, int]:
    """How many requests of `queryset` (an official's scope) wait in each queue: one query per
    group of queues with the same candidates (the open requests; those awaiting publication),
    each reading only the partial index of its candidates, not the million closed requests."""
    now = now or timezone.now()
    groups: dict[Q, list[Queue]] = {}
    for queue in APPEAL_QUEUES:
        groups.setdefault(queue.candidates, []).append(queue)
    counts: dict[str, int] = {}
    for candidates, queues in groups.items():
        rows = queryset.order_by().filter(candidates)
        if len(queues) == 1:
            counts[queues[0].key] = rows.filter(queues[0].condition(now, scope)).count()
        else:
            counts.update(rows.aggregate(**{q.key: Count("pk", filter=q.condition(now, scope)) for q in queues}))
    return {queue.key: counts[queue.key] for queue in APPEAL_QUEUES}


def most_urgent_appeals(queryset: QuerySet[Appeal], *, limit: int = 5) -> list[Appeal]:
    """The open requests of `queryset` whose next deadline comes first (overdue ones first)."""
    return list(
        queryset.filter(status__in=OPEN_STATUSES)
        .annotate(deadline=deadline_expression())
        .select_related("subdistrict", "department")
        .only(
            "id",
            "tracking_no",
            "title",
            "status",
            "response_due",
            "resolve_due",
            "subdistrict__name",
            "department__name",
            "department__short_name",
        )
        .order_by("deadline", "id")[:limit]
    )


def template_fits_class_q(category_code: str) -> Q:
    """Templates for a request of this class: of the class, of any class above it, or of every class."""
    prefixes = [category_code[:end] for end in range(2, len(category_code) + 1, 2)]
    return Q(category__isnull=True) | Q(category__code__in=prefixes)


def template_fits_kind_q(kind: str) -> Q:
    """Templates for a request of this type (咨询, 投诉 ...): of the type, or of every type."""
    return Q(kind="") | Q(kind=kind)


def reply_template_list() -> QuerySet[ReplyTemplate]:
    """The active reply templates, per step the most specific first: a deeper class before a
    shallower one before every class, a request type before every type, then their order."""
    return (
        ReplyTemplate.objects.filter(is_active=True)
        .select_related("category")
        .order_by(
            "step",
            Length("category__code").desc(nulls_last=True),
            Case(When(kind="", then=Value(1)), default=Value(0)),
            "order",
            "id",
        )
    )


def reply_templates_for(appeal: Appeal, step: str) -> list[ReplyTemplate]:
    """The active templates of a step that fit the request, the most specific first. One query."""
    code = appeal.category.code if appeal.category_id else ""
    return list(
        reply_template_list()
        .filter(template_fits_class_q(code), template_fits_kind_q(appeal.kind), step=step)
        .only("id", "title", "text", "kind", "order", "step", "category__code")
    )
