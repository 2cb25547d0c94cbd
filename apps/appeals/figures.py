"""The figures of the requests per 街道 or unit and period, with 环比: the 三率 and the rest.

    figures(first_day=..., last_day=..., group_by="subdistrict")  -> list[GroupFigures]
    figures_by(first_day=..., last_day=..., groups=("subdistrict", "department"))
                                                  -> {group_by: list[GroupFigures]}

Each figure is a formula of settings.FIGURES over named counts (COUNTS below): received in the
period (requests by the day they came in, as they stand now) or steps taken in it. They are
read from the daily rollups (apps.appeals.rollups): three aggregate queries over a few thousand
rows for any period, plus one for the names. `direct_counts` computes the same counts from the
requests and events themselves (a small scope such as one 社区, and the property test's oracle).

Periods are whole days in the site's time zone. A request counts as due (解决率) when its
resolve deadline fell before the period's end or before today, whichever is earlier.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import (
    DUE_STATUSES,
    STEP_ACTIONS,
    Appeal,
    AppealGroupDay,
    AppealGroupDueDay,
    AppealGroupStepDay,
    Status,
    step_column,
)
from apps.appeals.rollups import (
    annotate_assigned_at,
    pending_q,
    request_counts_annotations,
    step_counts_annotations,
    workflow_events,
)
from apps.common.dates import local_moment
from apps.places.models import Area, Department

GROUPS = ("subdistrict", "department")

# Every count a formula may use, in words.
COUNTS: dict[str, Promise] = {
    "received": _("收到的诉求数（重复件不计）"),
    "merged": _("并入其他诉求的重复件数"),
    "responded": _("已响应（受理或答复不予受理）的诉求数"),
    "responded_in_time": _("在响应时限内响应的诉求数"),
    "rejected": _("不予受理的诉求数"),
    "resolved": _("已办结的诉求数"),
    "resolved_in_time": _("在办结时限（含批准的延期）内办结的诉求数"),
    "resolved_unanswered": _("已办结、诉求人未回答是否解决的诉求数"),
    "answered": _("诉求人（或回访）回答了是否解决的诉求数"),
    "solved": _("回答“已解决”的诉求数"),
    "rated": _("参与评价的诉求数"),
    "satisfied": _("评价满意或基本满意的诉求数"),
    "unrated": _("未评价关闭的诉求数"),
    "explained": _("解释说明后关闭的诉求数"),
    "pending_due": _("办结时限已过仍未办结的诉求数（不含不予受理）"),
    "step:accept": _("受理次数"),
    "step:reject": _("不予受理次数"),
    "step:assign": _("派单次数"),
    "step:sign": _("签收次数"),
    "step:sign_in_time": _("在签收时限内签收的次数"),
    "step:return": _("退单（回退）次数"),
    "step:request_extension": _("申请延期次数"),
    "step:approve_extension": _("批准延期次数"),
    "step:refuse_extension": _("不批准延期次数"),
    "step:supervise": _("督办次数"),
    "step:answer_supervision": _("督办回复次数"),
    "step:resolve": _("办结次数"),
    "step:rate": _("诉求人评价次数"),
    "step:revisit": _("回访次数"),
    "step:expire": _("未评价关闭次数"),
    "step:reopen": _("重办次数"),
    "step:close_explained": _("解释说明后关闭次数"),
    "step:merge": _("合并重复件次数"),
    "step:co_reply": _("协办回复次数"),
    "step:other": _("其他步骤次数"),
    "step:proxy": _("区级工作人员代承办单位办理（代办）的步骤数"),
}

LABELS: dict[str, Promise] = {
    "response": _("响应率"),
    "resolution": _("解决率"),
    "satisfaction": _("满意率"),
    "sign_in_time": _("及时签收率"),
    "resolve_in_time": _("按时办结率"),
    "return": _("回退率"),
    "reopen": _("重办率"),
    "extension": _("延期率"),
    "supervised": _("督办件数"),
    "proxy": _("代办件数"),
}


_LABELS_IN: dict[tuple[str | None, str], str] = {}


@dataclass(frozen=True)
class Formula:
    key: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]  # empty: the figure is a number, not a rate

    @property
    def label(self) -> str:
        language = get_language()
        label = _LABELS_IN.get((language, self.key))
        if label is None:  # translated once per language: /stats/ asks nearly a thousand times
            label = _LABELS_IN[(language, self.key)] = str(LABELS.get(self.key, self.key))
        return label

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    def words(self) -> str:
        """The formula in words, e.g. 响应率 = 在响应时限内响应的诉求数 ÷ 收到的诉求数."""

        def part(names: tuple[str, ...]) -> str:
            text = " + ".join(str(COUNTS[name]) for name in names)
            return f"（{text}）" if len(names) > 1 else text

        if not self.is_rate:
            return f"{self.label} = {part(self.numerator)}"
        return f"{self.label} = {part(self.numerator)} ÷ {part(self.denominator)} × 100%"


THREE_RATES = ("response", "resolution", "satisfaction")


def formulas(keys: tuple[str, ...] | None = None) -> list[Formula]:
    """settings.FIGURES (those of `keys` only, if given), checked: every count named must exist."""
    result = []
    for key, spec in settings.FIGURES.items():
        if keys is not None and key not in keys:
            continue
        formula = Formula(key, tuple(spec.get("numerator", ())), tuple(spec.get("denominator", ())))
        unknown = [name for name in (*formula.numerator, *formula.denominator) if name not in COUNTS]
        if unknown or not formula.numerator:
            raise ImproperlyConfigured(f"FIGURES[{key!r}]: unknown or missing counts {unknown}")
        result.append(formula)
    return result


def figure_definitions() -> dict[str, str]:
    """Each figure's formula in words, as /stats/ and the API show them."""
    return {formula.key: formula.words() for formula in formulas()}


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    is_rate: bool
    numerator: int
    denominator: int | None
    value: Decimal | int | None  # a rate in percent (None without a denominator), or a number
    previous: Decimal | int | None  # the same over the period of equal length before (环比)

    @property
    def change(self) -> Decimal | int | None:
        """环比: percentage points for a rate, the difference for a number."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def signed_change(self) -> str:
        """环比 as shown: +1.5, -2, 0; empty without a previous value."""
        change = self.change
        if change is None:
            return ""
        return f"+{change}" if change > 0 else str(change)


def evaluate(formula: Formula, counts: Counter, previous: Counter) -> Figure:
    def value(c: Counter) -> Decimal | int | None:
        top = sum(c[name] for name in formula.numerator)
        if not formula.is_rate:
            return top
        return _ratio(top, sum(c[name] for name in formula.denominator))

    return Figure(
        key=formula.key,
        label=formula.label,
        is_rate=formula.is_rate,
        numerator=sum(counts[name] for name in formula.numerator),
        denominator=sum(counts[name] for name in formula.denominator) if formula.is_rate else None,
        value=value(counts),
        previous=value(previous),
    )


@dataclass
class GroupFigures:
    """One 街道's or unit's counts and figures over the period (and the period before)."""

    key: int
    name: str
    counts: Counter
    previous: Counter = field(default_factory=Counter)
    keys: tuple[str, ...] | None = None  # the figures asked for (None: all)

    @property
    def figures(self) -> dict[str, Figure]:
        return {formula.key: evaluate(formula, self.counts, self.previous) for formula in formulas(self.keys)}


@dataclass(frozen=True)
class Window:
    """A period of whole days [first_day, last_day] and the one of equal length before it."""

    first_day: date
    last_day: date
    today: date

    @property
    def previous_first(self) -> date:
        return self.first_day - (self.last_day - self.first_day + timedelta(days=1))

    def rows(self, *, previous: bool = False) -> Q:
        """The rollup rows covering the period (or the one before): the month rows of its whole
        months, the day rows of the days before and after them."""
        first = self.previous_first if previous else self.first_day
        last = self.first_day - timedelta(days=1) if previous else self.last_day
        return covering_rows(first, last)

    def due_before(self, *, previous: bool = False) -> date:
        """Deadlines falling before this day count as due: the period's end, or today if earlier."""
        end = self.first_day if previous else self.last_day + timedelta(days=1)
        return min(end, self.today)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def covering_rows(first: date, last: date) -> Q:
    """Rollup rows that add up to the days [first, last]: month rows for the calendar months
    wholly inside, day rows for the rest (at most two partial months)."""
    whole_first = first if first.day == 1 else _next_month(first)
    whole_end = _next_month(last) if _next_month(last) - timedelta(days=1) == last else last.replace(day=1)
    if whole_first >= whole_end:  # no whole month
        return Q(month=False, day__gte=first, day__lte=last)
    return (
        Q(month=True, day__gte=whole_first, day__lt=whole_end)
        | Q(month=False, day__gte=first, day__lt=whole_first)
        | Q(month=False, day__gte=whole_end, day__lte=last)
    )


def _group_column(group_by: str) -> str:
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}")
    return f"{group_by}_id"


Counts = dict[int, Counter]


def _tables_for(keys: tuple[str, ...] | None) -> set[str]:
    """Which rollups the figures of `keys` read: days, due (pending_due) and steps (step:…)."""
    names = {name for formula in formulas(keys) for name in (*formula.numerator, *formula.denominator)}
    return {"due" if n == "pending_due" else "steps" if n.startswith("step:") else "days" for n in names}


def rollup_counts_by(
    window: Window, groups: tuple[str, ...] = GROUPS, keys: tuple[str, ...] | None = None
) -> dict[str, tuple[Counts, Counts]]:
    """The counts per 街道 and per unit (`groups`) for the period and the one before, from the
    narrow rollups: at most 3 queries for all groupings, each over at most one row per day (or
    month) and group, whatever the number of requests; only the tables the figures of `keys`
    (None: all) read."""
    for group_by in groups:
        _group_column(group_by)
    tables = _tables_for(keys) if keys is not None else {"days", "due", "steps"}
    current, previous = window.rows(), window.rows(previous=True)
    span = (current | previous) & Q(by__in=groups)
    result: dict[str, tuple[Counts, Counts]] = {group_by: ({}, {}) for group_by in groups}

    def add(row: dict, names: dict[str, str]) -> None:
        """Add a row's sums (`names`: count → column) to its group in its period (`now`)."""
        key = row["group_id"]
        if row["by"] == "department" and not key:
            return  # not (or no longer) assigned: no unit to count it for
        counts = result[row["by"]][0 if row["now"] else 1]
        found = {name: row[column] for name, column in names.items() if row[column]}
        if found:
            counts.setdefault(key, Counter()).update(found)

    def read(table, columns, *, due_before: tuple[date, date] | None = None) -> list[dict]:
        """Sums of `columns` per group and period: each row is tagged with its period once,
        and summed plainly (no per-column filter)."""
        rows = table.objects.filter(span).order_by()
        if due_before is not None:  # deadlines before each period's cut-off day only
            rows = rows.filter((current & Q(due_day__lt=due_before[0])) | (previous & Q(due_day__lt=due_before[1])))
        now = Case(When(current, then=V(True)), default=V(False), output_field=BooleanField())
        rows = rows.annotate(now=now).values("by", "group_id", "now")
        return list(rows.annotate(**{column: Sum(column) for column in columns}))

    if "days" in tables:
        columns = list(request_counts_annotations())
        for row in read(AppealGroupDay, columns):
            add(row, {name: name for name in columns})
    if "due" in tables:
        cut = (window.due_before(), window.due_before(previous=True))
        for row in read(AppealGroupDueDay, ["pending"], due_before=cut):
            add(row, {"pending_due": "pending"})
    if "steps" in tables:
        columns = [step_column(action) for action in STEP_ACTIONS]
        counts = {**{column: f"step:{column[2:]}" for column in columns}, "sign_in_time": "step:sign_in_time"}
        counts["proxy"] = "step:proxy"
        for row in read(AppealGroupStepDay, list(counts)):
            add(row, {name: column for column, name in counts.items()})
    return result


@dataclass
class RequestTotals:
    """The requests received in a period as they stand now (the API's `requests`)."""

    received: int  # merged duplicates included
    open: int
    resolved: int  # DONE_STATUSES
    rejected: int
    overdue: int  # models.overdue_q at `now`
    published: int


def request_totals(*, first_day: date, last_day: date, now: datetime, counts: Counter | None = None) -> RequestTotals:
    """RequestTotals of the days [first_day, last_day] from the narrow rollups (summed over the
    街道; `counts`: that sum if already read, see figures_total), and for `overdue` the
    deadlines of days before today from the rollups plus those passed today from the requests
    (one day's deadlines, on an index): 3 queries, 2 with `counts`."""
    rows = covering_rows(first_day, last_day) & Q(by="subdistrict")
    columns = ("received", "merged", "open", "done", "rejected", "published")
    if counts is None:
        counts = AppealGroupDay.objects.filter(rows).aggregate(**{c: Coalesce(Sum(c), 0) for c in columns})
    sums = {column: counts.get(column, 0) for column in columns}
    today = timezone.localtime(now).date()
    late = AppealGroupDueDay.objects.filter(rows, due_day__lt=today).aggregate(n=Coalesce(Sum("late"), 0))["n"]
    start, end = local_moment(first_day), local_moment(last_day + timedelta(days=1))
    midnight = local_moment(today)
    # Overdue since today's midnight (rollups.late_from on today, before now).
    submitted = Q(status=Status.SUBMITTED, response_due__gte=midnight, resolve_due__gte=midnight) & (
        Q(response_due__lt=now) | Q(resolve_due__lt=now)
    )
    running = [s for s in DUE_STATUSES if s != Status.SUBMITTED]
    others = Q(status__in=running, resolve_due__gte=midnight, resolve_due__lt=now)
    late_today = Appeal.objects.filter(submitted_at__gte=start, submitted_at__lt=end).filter(submitted | others).count()
    return RequestTotals(
        received=sums["received"] + sums["merged"],
        open=sums["open"],
        resolved=sums["done"],
        rejected=sums["rejected"],
        overdue=late + late_today,
        published=sums["published"],
    )


def rollup_counts(window: Window, group_by: str) -> tuple[Counts, Counts]:
    """The counts per group for the period and the one before, from the rollups (3 queries)."""
    return rollup_counts_by(window, (group_by,))[group_by]


def direct_counts(
    first_day: date,
    last_day: date,
    group_by: str,
    *,
    today: date,
    requests: QuerySet | None = None,
    keys: tuple[str, ...] | None = None,
) -> dict[int, Counter]:
    """The same counts for [first_day, last_day] straight from the requests and their events
    (2 queries; 1 when the figures of `keys` need no steps): for a scope the rollups do not
    group by, and to check the rollups."""
    column = _group_column(group_by)
    start, end = local_moment(first_day), local_moment(last_day + timedelta(days=1))
    requests = (requests if requests is not None else Appeal.objects.all()).order_by()
    received = requests.filter(submitted_at__gte=start, submitted_at__lt=end)
    if group_by == "department":
        received = received.filter(department__isnull=False)
    counts: dict[int, Counter] = {}

    def add(key: int, name: str, value: int) -> None:
        if value:
            counts.setdefault(key, Counter())[name] += value

    # Due: a deadline whose day (site time zone) falls before the cut-off day, i.e. before its
    # midnight: the same cut as the rollups' due_day.
    due_before = local_moment(min(last_day + timedelta(days=1), today))
    annotations = {
        **request_counts_annotations(),
        "pending_due": Count("id", filter=pending_q() & Q(resolve_due__lt=due_before)),
    }
    for row in received.values(column).annotate(**annotations):
        for name in annotations:
            add(row[column], name, row[name])
    if keys is not None and "steps" not in _tables_for(keys):
        return counts
    events = workflow_events().filter(at__gte=start, at__lt=end, appeal__in=requests.values("pk")).order_by()
    if group_by == "department":
        events = events.filter(department__isnull=False)
    event_column = "appeal__subdistrict_id" if group_by == "subdistrict" else "department_id"
    step_counts = step_counts_annotations()
    rows = annotate_assigned_at(events).annotate(group=Coalesce(event_column, 0)).values("group")
    for row in rows.annotate(**step_counts):
        for name in step_counts:
            add(row["group"], f"step:{name[2:]}" if name.startswith("n_") else f"step:{name}", row[name])
    return counts


def _names(group_by: str, keys: list[int]) -> dict[int, str]:
    if not keys:
        return {}
    model = Area if group_by == "subdistrict" else Department
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def figures_by(
    *,
    first_day: date,
    last_day: date,
    groups: tuple[str, ...] = GROUPS,
    today: date | None = None,
    keys: tuple[str, ...] | None = None,
) -> dict[str, list[GroupFigures]]:
    """The figures per 街道 (`"subdistrict"`) and per unit (`"department"`) for the days
    [first_day, last_day], each with the period of equal length before: 3 queries plus one for
    each grouping's names, whatever the period and however many requests. Groups with nothing
    in either period are left out; each list is ordered by name. `keys`: only these figures
    (e.g. THREE_RATES), reading only the tables they need."""
    window = Window(first_day, last_day, today or timezone.localdate())
    result = {}
    for group_by, (current, previous) in rollup_counts_by(window, groups, keys).items():
        group_keys = sorted(current.keys() | previous.keys())
        names = _names(group_by, group_keys)
        rows = [
            GroupFigures(key, names.get(key, ""), current.get(key, Counter()), previous.get(key, Counter()), keys)
            for key in group_keys
        ]
        rows.sort(key=lambda row: (row.name, row.key))
        result[group_by] = rows
    return result


def figures(
    *,
    first_day: date,
    last_day: date,
    group_by: str = "subdistrict",
    today: date | None = None,
) -> list[GroupFigures]:
    """The figures per 街道 or per unit: `figures_by` for one grouping (4 queries)."""
    return figures_by(first_day=first_day, last_day=last_day, groups=(group_by,), today=today)[group_by]


def figures_total(rows: list[GroupFigures]) -> GroupFigures:
    """The sum of the groups (per 街道: the whole district)."""
    counts, previous = Counter(), Counter()
    for row in rows:
        counts.update(row.counts)
        previous.update(row.previous)
    return GroupFigures(0, "", counts, previous, rows[0].keys if rows else None)
