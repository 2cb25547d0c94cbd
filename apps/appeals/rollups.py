"""Daily rollups of the requests: the counts every figure needs, kept in the step's transaction.

Three tables (apps.appeals.models):

- `AppealDay`: per day received and group (街道, unit, programme, type, urgency, class) the
  requests' counts *as they stand now* (received, responded in time, resolved, rated...).
- `AppealDueDay`: the same groups' unresolved requests per day their resolve deadline falls on
  (which of them are due depends on the period asked for and on today).
- `AppealStepDay`: per day a step was taken, 街道, unit, action and 代办: how many steps.

The figures read their narrow projections (`AppealGroupDay`, `AppealGroupDueDay`,
`AppealGroupStepDay`): the same counts per day and per 街道 or per unit alone, at most one row
per day and group whatever the number of requests (the wide rows multiply by programme × type ×
urgency × class × unit and grow with the requests). Every change to a wide row is written to
its two narrow rows in the same statement batch (`narrow_shares`), and the rebuild sums the
narrow rows from the wide ones.

How they stay right: a request's share of the first two is a pure function of its row
(`request_shares`). The state machine (`workflow.apply_step`) hands the hook below the request
before and after each step; the hook writes the difference (and the step's own count) by
upsert — `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, on PostgreSQL and SQLite —
in the step's transaction, so concurrent steps add up and a step that rolls back leaves nothing.
A new request (appeal_submit) and an official's correction of its programme (appeal_correct) go
through `rollups_record` the same way. Anything written past the services (COPY, raw SQL, the
demo seeder) is made right by `rollups_rebuild` (`manage.py rebuild_rollups`): one aggregate
query per table over any range of days.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models import Value as V
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from apps.appeals.models import (
    DONE_STATUSES,
    DUE_STATUSES,
    OPEN_STATUSES,
    STEP_ACTIONS,
    Appeal,
    AppealDay,
    AppealDueDay,
    AppealEvent,
    AppealGroupDay,
    AppealGroupDueDay,
    AppealGroupStepDay,
    AppealStepDay,
    Rating,
    Solved,
    Status,
    Urgency,
    published_q,
    step_column,
)
from apps.common.dates import local_moment

MERGED, REJECTED, ASSIGNED = Status.MERGED.value, Status.REJECTED.value, Status.ASSIGNED.value
SUBMITTED = Status.SUBMITTED.value
OPEN, DONE, DUE = (tuple(str(s) for s in statuses) for statuses in (OPEN_STATUSES, DONE_STATUSES, DUE_STATUSES))
SATISFIED = (Rating.SATISFIED.value, Rating.BASICALLY.value)
YES = Solved.YES.value
UNRATED, EXPLAINED = "unrated", "explained"

# A share: {(table, key): Counter of columns}.
Shares = dict[tuple[type[Model], tuple], Counter]


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in the site's time zone (Asia/Shanghai)."""
    return timezone.localtime(moment).date()


def _category(appeal: Any) -> int:
    # Hook for the problem classification: requests carry `category` once it lands.
    return getattr(appeal, "category_id", None) or 0


def month_of(day: date) -> date:
    return day.replace(day=1)


def both_grains(key: tuple) -> tuple[tuple, tuple]:
    """A day row's key and its month row's key (`day` and `month` lead every key)."""
    return key, (month_of(key[0]), True, *key[2:])


def request_key(appeal: Any) -> tuple:
    """AppealDay's day-row key of a request (RollupKey.KEY's order)."""
    return (
        local_day(appeal.submitted_at),
        False,
        appeal.subdistrict_id,
        appeal.department_id or 0,
        appeal.programme_id or "",
        str(appeal.kind),
        str(appeal.urgency),
        _category(appeal),
    )


def request_counts(appeal: Any) -> Counter:
    """A request's counts in AppealDay: each column 0 or 1. A merged duplicate counts only as
    merged, so the pair counts once (as its main request)."""
    published = int(bool(appeal.consent_to_publish and appeal.publish_approved))
    if appeal.status == MERGED:
        return Counter(merged=1, published=published)
    counts = Counter(received=1, published=published, open=int(appeal.status in OPEN), done=int(appeal.status in DONE))
    if appeal.responded_at is not None:
        counts["responded"] = 1
        counts["responded_in_time"] = int(appeal.responded_at <= appeal.response_due)
    if appeal.status == REJECTED:
        counts["rejected"] = 1
    if appeal.resolved_at is not None:
        counts["resolved"] = 1
        counts["resolved_in_time"] = int(appeal.resolved_at <= appeal.resolve_due)
        counts["resolved_unanswered"] = int(not appeal.solved)
    if appeal.solved:
        counts["answered"] = 1
        counts["solved"] = int(appeal.solved == YES)
    if appeal.rating:
        counts["rated"] = 1
        counts["satisfied"] = int(appeal.rating in SATISFIED)
    counts["unrated"] = int(appeal.closure == UNRATED)
    counts["explained"] = int(appeal.closure == EXPLAINED)
    return counts


def is_pending(appeal: Any) -> bool:
    """Still to be resolved by its deadline: not resolved, rejected or merged."""
    return appeal.resolved_at is None and appeal.status not in (REJECTED, MERGED)


def late_from(appeal: Any) -> datetime | None:
    """When the request became or becomes overdue (models.overdue_q) as it stands now: its
    response deadline while SUBMITTED (or its resolve deadline if earlier), its resolve deadline
    in the other DUE_STATUSES; None when no deadline runs."""
    if appeal.status not in DUE:
        return None
    if appeal.status == SUBMITTED:
        return min(appeal.response_due, appeal.resolve_due)
    return appeal.resolve_due


def request_shares(appeal: Any) -> Shares:
    """What one request adds to AppealDay and AppealDueDay (a day row and a month row each)."""
    shares: Shares = {}
    counts = request_counts(appeal)
    pending = is_pending(appeal)
    late = late_from(appeal)
    for key in both_grains(request_key(appeal)):
        shares[(AppealDay, key)] = counts
        if pending:
            shares[(AppealDueDay, (*key, local_day(appeal.resolve_due)))] = Counter(pending=1)
        if late is not None:
            shares.setdefault((AppealDueDay, (*key, local_day(late))), Counter())["late"] += 1
    return shares


# The narrow tables and where their group sits in the wide key: 街道 third, unit fourth.
NARROW = {AppealDay: AppealGroupDay, AppealDueDay: AppealGroupDueDay, AppealStepDay: AppealGroupStepDay}
GROUP_POSITIONS = (("subdistrict", 2), ("department", 3))


def narrow_shares(changes: Shares) -> Shares:
    """The wide changes projected on the narrow tables: each on its 街道's row and its unit's."""
    narrow: Shares = {}
    for (table, key), change in changes.items():
        if table not in NARROW:
            continue
        due = (key[-1],) if table is AppealDueDay else ()
        for by, position in GROUP_POSITIONS:
            narrow.setdefault((NARROW[table], (key[0], key[1], by, key[position], *due)), Counter()).update(change)
    return narrow


def sign_hours(urgency: str) -> int:
    return settings.APPEAL_URGENT_SIGN_HOURS if urgency == Urgency.URGENT else settings.APPEAL_SIGN_HOURS


def step_share(appeal: Any, event: Any, *, proxy: bool, assigned_at: datetime | None = None) -> Shares:
    """What one step adds to AppealStepDay; `assigned_at`: when the request was last sent to
    the unit (派单 or 重办), for a 签收."""
    key = (local_day(event.at), False, appeal.subdistrict_id, event.department_id or 0)
    counts = Counter({step_column(event.action): 1, "proxy": int(proxy)})
    if event.action == "sign" and assigned_at is not None:
        counts["sign_in_time"] = int(event.at <= assigned_at + timedelta(hours=sign_hours(appeal.urgency)))
    return {(AppealStepDay, grain): counts for grain in both_grains(key)}


def _subtract(after: Shares, before: Shares) -> Shares:
    diff: Shares = {}
    for place in after.keys() | before.keys():
        change = Counter(after.get(place, {}))
        change.subtract(before.get(place, {}))
        change = Counter({column: n for column, n in change.items() if n})
        if change:
            diff[place] = change
    return diff


def key_columns(table: type[Model]) -> tuple[str, ...]:
    """A rollup table's unique key: its KEY, and the deadline's day for the due tables."""
    return (*table.KEY, "due_day") if "due_day" not in table.KEY and hasattr(table, "due_day") else table.KEY


def _count_columns(table: type[Model]) -> tuple[str, ...]:
    keys = {"id", *key_columns(table)}
    return tuple(f.attname for f in table._meta.concrete_fields if f.attname not in keys)


TABLES = (AppealDay, AppealDueDay, AppealStepDay, *NARROW.values())
COUNT_COLUMNS = {table: _count_columns(table) for table in TABLES}


def _upsert(changes: Shares) -> None:
    """Add each change to its row: one INSERT ... ON CONFLICT DO UPDATE per table."""
    by_table: dict[type[Model], list[tuple[tuple, Counter]]] = {}
    for (table, key), change in changes.items():
        by_table.setdefault(table, []).append((key, change))
    ops, quote = connection.ops, connection.ops.quote_name
    for table, rows in sorted(by_table.items(), key=lambda item: item[0]._meta.db_table):
        keys = key_columns(table)
        columns = COUNT_COLUMNS[table]
        name = quote(table._meta.db_table)
        placeholders = "(" + ", ".join(["%s"] * (len(keys) + len(columns))) + ")"
        sql = (
            f"INSERT INTO {name} ({', '.join(quote(c) for c in (*keys, *columns))}) "
            f"VALUES {', '.join([placeholders] * len(rows))} "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in columns)
        )
        params: list = []
        for key, change in sorted(rows, key=lambda row: tuple(str(part) for part in row[0])):
            params += [ops.adapt_datefield_value(part) if isinstance(part, date) else part for part in key]
            params += [change.get(column, 0) for column in columns]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def rollups_record(*, before: Any = None, after: Any = None, extra: Shares | None = None) -> None:
    """Write the difference between a request's share `before` and `after` a change (either may
    be None: a new request), plus `extra` (a step's own count). Call inside the transaction."""
    old = request_shares(before) if before is not None else {}
    new = request_shares(after) if after is not None else {}
    changes = _subtract(new, old)
    for place, counts in (extra or {}).items():
        changes.setdefault(place, Counter()).update(counts)
    if changes:
        _upsert({**changes, **narrow_shares(changes)})


class RollupSnapshot:
    """The attributes of a request that its shares read, copied before a step changes them."""

    FIELDS = (
        "submitted_at",
        "subdistrict_id",
        "department_id",
        "programme_id",
        "kind",
        "urgency",
        "category_id",
        "status",
        "responded_at",
        "response_due",
        "resolved_at",
        "resolve_due",
        "solved",
        "rating",
        "closure",
        "consent_to_publish",
        "publish_approved",
    )

    def __init__(self, appeal: Any):
        for field in self.FIELDS:
            setattr(self, field, getattr(appeal, field, None))


class StepRollups:
    """The hook `workflow.apply_step` calls around a step of a stored request: `before` copies
    the request, `after` writes what the step changed and the step's own count."""

    def __init__(self, *, proxy: bool = False):
        self.proxy = proxy
        self.snapshot: RollupSnapshot | None = None
        self.assigned_at: datetime | None = None

    def before(self, appeal: Any) -> None:
        self.snapshot = RollupSnapshot(appeal)
        if appeal.status == ASSIGNED:  # a 签收 may follow: when was it sent to the unit?
            self.assigned_at = (
                AppealEvent.objects.filter(appeal_id=appeal.pk, to_status=ASSIGNED)
                .order_by("-id")
                .values_list("at", flat=True)
                .first()
            )

    def after(self, appeal: Any, event: Any) -> None:
        step = step_share(appeal, event, proxy=self.proxy, assigned_at=self.assigned_at)
        rollups_record(before=self.snapshot, after=appeal, extra=step)


# --- Rebuilding from the requests and their events ------------------------------------------------


def _tz():
    return timezone.get_current_timezone()


def _category_expression():
    names = {field.name for field in Appeal._meta.get_fields()}
    return Coalesce("category_id", 0) if "category" in names else V(0, output_field=IntegerField())


def _request_key_annotations() -> dict:
    return {
        "k_day": TruncDate("submitted_at", tzinfo=_tz()),
        "k_month": V(False, output_field=BooleanField()),
        "k_subdistrict": F("subdistrict_id"),
        "k_department": Coalesce("department_id", 0),
        "k_programme": Coalesce("programme_id", V("")),
        "k_kind": F("kind"),
        "k_urgency": F("urgency"),
        "k_category": _category_expression(),
    }


def request_counts_annotations() -> dict:
    """request_counts as SQL: the same conditions, counted per group."""
    kept = ~Q(status=MERGED)
    resolved = kept & Q(resolved_at__isnull=False)
    answered = kept & ~Q(solved="")
    rated = kept & ~Q(rating="")
    return {
        "received": Count("id", filter=kept),
        "merged": Count("id", filter=Q(status=MERGED)),
        "responded": Count("id", filter=kept & Q(responded_at__isnull=False)),
        "responded_in_time": Count("id", filter=kept & Q(responded_at__lte=F("response_due"))),
        "rejected": Count("id", filter=Q(status=REJECTED)),
        "resolved": Count("id", filter=resolved),
        "resolved_in_time": Count("id", filter=resolved & Q(resolved_at__lte=F("resolve_due"))),
        "resolved_unanswered": Count("id", filter=resolved & Q(solved="")),
        "answered": Count("id", filter=answered),
        "solved": Count("id", filter=answered & Q(solved=YES)),
        "rated": Count("id", filter=rated),
        "satisfied": Count("id", filter=rated & Q(rating__in=SATISFIED)),
        "unrated": Count("id", filter=kept & Q(closure=UNRATED)),
        "explained": Count("id", filter=kept & Q(closure=EXPLAINED)),
        "open": Count("id", filter=Q(status__in=OPEN)),
        "done": Count("id", filter=Q(status__in=DONE)),
        "published": Count("id", filter=published_q()),
    }


def late_from_expression() -> Case:
    """late_from as SQL (for requests in DUE_STATUSES)."""
    return Case(
        When(status=SUBMITTED, then=Least("response_due", "resolve_due")),
        default=F("resolve_due"),
        output_field=DateTimeField(),
    )


def pending_q() -> Q:
    return Q(resolved_at__isnull=True) & ~Q(status__in=[REJECTED, MERGED])


def sign_in_time_q() -> Q:
    """A 签收 within the signing deadline of the last time the request was sent to the unit
    (an AppealEvent queryset annotated with `assigned_at`, see `annotate_assigned_at`)."""
    return Q(action="sign") & (
        Q(
            appeal__urgency=Urgency.URGENT,
            at__lte=ExpressionWrapper(
                F("assigned_at") + timedelta(hours=settings.APPEAL_URGENT_SIGN_HOURS), output_field=DateTimeField()
            ),
        )
        | (
            ~Q(appeal__urgency=Urgency.URGENT)
            & Q(
                at__lte=ExpressionWrapper(
                    F("assigned_at") + timedelta(hours=settings.APPEAL_SIGN_HOURS), output_field=DateTimeField()
                )
            )
        )
    )


def annotate_assigned_at(events):
    """Each event with the time of the latest earlier event that sent its request to the unit."""
    sent = AppealEvent.objects.filter(appeal_id=OuterRef("appeal_id"), to_status=ASSIGNED, id__lt=OuterRef("id"))
    # Looked up for 签收 only: the other steps (five in six) need no subquery.
    last_sent = Subquery(sent.order_by("-id").values("at")[:1])
    return events.annotate(assigned_at=Case(When(action="sign", then=last_sent), output_field=DateTimeField()))


def workflow_events():
    """The events the state machine wrote (a request's 提交 is counted as received instead)."""
    return AppealEvent.objects.exclude(action="submit")


def step_counts_annotations() -> dict:
    """step_share as SQL, over workflow events annotated with `assigned_at`."""
    named = [action for action in STEP_ACTIONS if action != "other"]
    counts = {step_column(action): Count("id", filter=Q(action=action)) for action in named}
    counts[step_column("other")] = Count("id", filter=~Q(action__in=named))
    counts["sign_in_time"] = Count("id", filter=sign_in_time_q())
    counts["proxy"] = Count("id", filter=~Q(proxy_reason=""))
    return counts


def _rebuild_queries(first: date | None, last: date | None) -> list[tuple[type[Model], Any, dict[str, str]]]:
    """The aggregates giving the wide tables' day rows of [first, last]: per query its table and
    {column: alias} (columns left out are 0; two queries may add to the same rows)."""
    requests = Appeal.objects.order_by()
    events = workflow_events().order_by()
    if first is not None:
        requests = requests.filter(submitted_at__gte=local_moment(first))
        events = events.filter(at__gte=local_moment(first))
    if last is not None:
        requests = requests.filter(submitted_at__lt=local_moment(last + timedelta(days=1)))
        events = events.filter(at__lt=local_moment(last + timedelta(days=1)))
    keys = _request_key_annotations()
    key_aliases = dict(zip(AppealDay.KEY, keys, strict=True))
    due_aliases = {**key_aliases, "due_day": "k_due_day"}
    day_counts = request_counts_annotations()
    days = requests.annotate(**keys).values(*keys).annotate(**day_counts)
    due = (
        requests.filter(pending_q())
        .annotate(**keys, k_due_day=TruncDate("resolve_due", tzinfo=_tz()))
        .values(*keys, "k_due_day")
        .annotate(pending=Count("id"))
    )
    late = (
        requests.filter(status__in=DUE)
        .annotate(**keys, k_due_day=TruncDate(late_from_expression(), tzinfo=_tz()))
        .values(*keys, "k_due_day")
        .annotate(late=Count("id"))
    )
    step_keys = {
        "k_day": TruncDate("at", tzinfo=_tz()),
        "k_month": V(False, output_field=BooleanField()),
        "k_subdistrict": F("appeal__subdistrict_id"),
        "k_department": Coalesce("department_id", 0),
    }
    step_counts = step_counts_annotations()
    steps = annotate_assigned_at(events).annotate(**step_keys).values(*step_keys).annotate(**step_counts)
    return [
        (AppealDay, days, {**key_aliases, **{c: c for c in day_counts}}),
        (AppealDueDay, due, {**due_aliases, "pending": "pending"}),
        (AppealDueDay, late, {**due_aliases, "late": "late"}),
        (AppealStepDay, steps, {**dict(zip(AppealStepDay.KEY, step_keys, strict=True)), **{c: c for c in step_counts}}),
    ]


def _add_rows_sql(table: type[Model], select: str, aliases: dict[str, str]) -> str:
    """INSERT the rows of `select` into `table`, adding them to rows already there (columns
    not in `aliases` count 0)."""
    quote = connection.ops.quote_name
    name = quote(table._meta.db_table)
    keys, counts = key_columns(table), COUNT_COLUMNS[table]
    values = [quote(aliases[c]) if c in aliases else "0" for c in (*keys, *counts)]
    # WHERE 1 = 1: SQLite needs a WHERE before ON CONFLICT after a SELECT.
    return (
        f"INSERT INTO {name} ({', '.join(quote(c) for c in (*keys, *counts))}) "
        f"SELECT {', '.join(values)} FROM ({select}) rollup_source WHERE 1 = 1 "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in counts)
    )


def _month_rows_sql(table: type[Model], first_month: date | None, last_month: date | None) -> tuple[str, list]:
    """INSERT the month rows of [first_month, last_month] (all without bounds) as sums of the
    table's own day rows."""
    quote = connection.ops.quote_name
    keys = [k for k in key_columns(table) if k not in ("day", "month")]
    counts = COUNT_COLUMNS[table]
    name = quote(table._meta.db_table)
    month = _month_start_sql("day")
    where, params = [f"{quote('month')} = %s"], [False]
    if first_month is not None:
        where.append(f"{quote('day')} >= %s")
        params.append(connection.ops.adapt_datefield_value(first_month))
    if last_month is not None:
        where.append(f"{quote('day')} < %s")
        params.append(connection.ops.adapt_datefield_value(_next_month(last_month)))
    columns = ", ".join(quote(c) for c in ("day", "month", *keys, *counts))
    grouped = ", ".join(quote(k) for k in keys)
    sums = ", ".join(f"SUM({quote(c)})" for c in counts)
    sql = (
        f"INSERT INTO {name} ({columns}) SELECT {month}, %s, {grouped}, {sums} FROM {name} "
        f"WHERE {' AND '.join(where)} GROUP BY {month}, {grouped}"
    )
    return sql, [True, *params]


def _narrow_rows_sql(wide: type[Model], first: date | None, last: date | None) -> tuple[str, list]:
    """INSERT the narrow rows (day and month rows) of the days [first, last] as sums of the
    wide table's rows, per 街道 and per unit."""
    quote = connection.ops.quote_name
    narrow = NARROW[wide]
    counts = COUNT_COLUMNS[narrow]
    due = ["due_day"] if "due_day" in key_columns(narrow) else []
    where, params = ["1 = 1"], []
    if first is not None:
        where.append(f"{quote('day')} >= %s")
        params.append(connection.ops.adapt_datefield_value(first))
    if last is not None:
        where.append(f"{quote('day')} <= %s")
        params.append(connection.ops.adapt_datefield_value(last))
    selects = []
    for by, position in GROUP_POSITIONS:
        group = quote(wide.KEY[position])
        grouped = ", ".join([quote("day"), quote("month"), group, *(quote(d) for d in due)])
        sums = ", ".join(f"SUM({quote(c)})" for c in counts)
        selects.append(
            f"SELECT {quote('day')}, {quote('month')}, '{by}', {group}, {', '.join([*(quote(d) for d in due), sums])} "
            f"FROM {quote(wide._meta.db_table)} WHERE {' AND '.join(where)} GROUP BY {grouped}"
        )
    columns = ", ".join(quote(c) for c in (*AppealGroupDay.KEY, *due, *counts))
    return f"INSERT INTO {quote(narrow._meta.db_table)} ({columns}) {' UNION ALL '.join(selects)}", params * 2


def _month_start_sql(column: str) -> str:
    quoted = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"CAST(DATE_TRUNC('month', {quoted}) AS date)"
    return f"DATE({quoted}, 'start of month')"


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _rows_of(table: type[Model], first: date | None, last: date | None, first_month, last_month):
    """The table's day rows of [first, last] and month rows of [first_month, last_month]."""
    days, months = table.objects.filter(month=False), table.objects.filter(month=True)
    if first is not None:
        days, months = days.filter(day__gte=first), months.filter(day__gte=first_month)
    if last is not None:
        days, months = days.filter(day__lte=last), months.filter(day__lte=last_month)
    return days, months


@transaction.atomic
def rollups_rebuild(*, first: date | None = None, last: date | None = None) -> dict[str, int]:
    """Recompute the rollups of the days [first, last] (all days when not given) from the requests
    and their events: those days' rows are replaced by INSERT ... SELECT per table, then the
    month rows of the months they touch by summing the day rows, then the narrow rows of those
    months by summing the wide rows.

    On PostgreSQL the tables are locked first: a step committing meanwhile either lands before
    the SELECT (and is counted by it) or waits and adds its change on top."""
    quote = connection.ops.quote_name
    first_month = month_of(first) if first is not None else None
    last_month = month_of(last) if last is not None else None
    wide = (AppealDay, AppealDueDay, AppealStepDay)
    written: Counter = Counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(quote(t._meta.db_table) for t in TABLES)
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        for table in wide:
            for rows in _rows_of(table, first, last, first_month, last_month):
                rows.delete()
        for table, query, aliases in _rebuild_queries(first, last):
            select, params = query.query.sql_with_params()
            cursor.execute(_add_rows_sql(table, select, aliases), params)
        for table in wide:
            written[table._meta.model_name] = _rows_of(table, first, last, first_month, last_month)[0].count()
            cursor.execute(*_month_rows_sql(table, first_month, last_month))
            # Narrow rows of the whole months touched: their wide rows are all right now.
            narrow_last = _next_month(last_month) - timedelta(days=1) if last_month is not None else None
            NARROW[table].objects.filter(
                **({"day__gte": first_month} if first_month else {}),
                **({"day__lte": narrow_last} if narrow_last else {}),
            ).delete()
            cursor.execute(*_narrow_rows_sql(table, first_month, narrow_last))
        if connection.vendor == "postgresql":  # the planner's statistics of the rows just written
            cursor.execute(f"ANALYZE {names}")
    return dict(written)
