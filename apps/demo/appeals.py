"""Demo residents' requests (群众诉求) and their workflow events, streamed in bulk.

Each request's life is planned as the sequence of steps `appeal_transition` would have taken
(submit → accept → assign → sign → resolve → rate, with 不予受理 and 退单 branches), cut off at
midnight of `today`; the request row then carries exactly what those steps leave behind:
status, department, responded/resolved/closed times, public reply and rating. Deadlines come
from `deadlines_for`, tracking numbers from `format_tracking_no`, one per year in submission
order, and `TrackingCounter` ends at the last number issued.

Rows are written in batches (COPY on PostgreSQL), so a million requests take bounded memory.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from bisect import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from itertools import accumulate, islice

from apps.appeals.models import Appeal, AppealEvent, AppealKind, Channel, Rating, ReturnReason, Status, TrackingCounter
from apps.appeals.services import deadlines_for
from apps.appeals.tracking import format_tracking_no
from apps.appeals.workflow import TRANSITIONS, Actor, StepState, apply_step
from apps.common.dates import local_moment
from apps.common.privacy import public_text
from apps.demo import corpus
from apps.demo.bulk import (
    NULL,
    CopyPipe,
    RowWriter,
    Sealer,
    copy_lines,
    copy_text,
    indexes_deferred,
    reserve_ids,
    uses_copy,
)
from apps.programmes.models import Programme

DAYS = 365  # requests arrive over the year before `today`
BATCH = 10_000
# From this many requests on, indexes and foreign keys are rebuilt after the load (PostgreSQL),
# and the rows are made in worker processes while this one feeds COPY.
DEFER_INDEXES_FROM = 50_000
PARALLEL_FROM = 50_000
WORKERS = min(4, os.cpu_count() or 1)
WINDOW = 2 * WORKERS + 2  # days in flight

# Plain strings: an enum member costs an attribute lookup each time, a million times over.
SUBMITTED, ACCEPTED, ASSIGNED, IN_PROGRESS = (
    Status.SUBMITTED.value,
    Status.ACCEPTED.value,
    Status.ASSIGNED.value,
    Status.IN_PROGRESS.value,
)
RESOLVED, CLOSED, REJECTED, RETURNED = (
    Status.RESOLVED.value,
    Status.CLOSED.value,
    Status.REJECTED.value,
    Status.RETURNED.value,
)
HOTLINE, API, WEB, WECHAT, VISIT = (
    Channel.HOTLINE.value,
    Channel.API.value,
    Channel.WEB.value,
    Channel.WECHAT.value,
    Channel.VISIT.value,
)

APPEAL_COLUMNS = (
    "id",
    "tracking_no",
    "channel",
    "external_id",
    "kind",
    "programme_id",
    "area_id",
    "subdistrict_id",
    "location_text",
    "latitude",
    "longitude",
    "title",
    "content",
    "submitter_name",
    "submitter_phone",
    "submitter_contact",
    "consent_to_publish",
    "publish_approved",
    "department_id",
    "status",
    "public_reply",
    "published_title",
    "published_content",
    "published_reply",
    "submitted_at",
    "response_due",
    "resolve_due",
    "responded_at",
    "resolved_at",
    "closed_at",
    "rating",
    "rating_comment",
    "rated_at",
    "updated_at",
)
EVENT_COLUMNS = (
    "appeal_id",
    "action",
    "from_status",
    "to_status",
    "actor_id",
    "actor_label",
    "department_id",
    "reason",
    "note",
    "reply",
    "at",
)
LINK_COLUMNS = ("appeal_id", "project_id")
_TABLES = ((Appeal, APPEAL_COLUMNS), (AppealEvent, EVENT_COLUMNS), (Appeal.projects.through, LINK_COLUMNS))

CHANNELS = [(HOTLINE, 35), (WEB, 25), (WECHAT, 22), (VISIT, 10), (API, 8)]
SUBMIT_LABELS = {
    WEB: "诉求人",
    WECHAT: "诉求人",
    HOTLINE: "12345热线",
    VISIT: "来访登记",
    API: "12345热线平台",
}
# Requests per hour of the day (local time): few at night, peaks in the morning and afternoon.
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 12, 8, 9, 13, 14, 13, 11, 9, 9, 8, 6, 4, 2]
RATINGS = [(Rating.SATISFIED, 72), (Rating.BASICALLY, 20), (Rating.UNSATISFIED, 8)]
RATINGS_LATE = [(Rating.SATISFIED, 40), (Rating.BASICALLY, 30), (Rating.UNSATISFIED, 30)]
SPOTS = ["党群服务中心附近", "菜市场旁", "主干道路口", "健身广场", "公交站台旁"]
# The final states of the oldest requests, so that any run shows every state of the workflow.
FORCED = (
    CLOSED,
    RESOLVED,
    REJECTED,
    RETURNED,
    IN_PROGRESS,
    ASSIGNED,
    ACCEPTED,
    SUBMITTED,
)
STALLS = (SUBMITTED, ACCEPTED, ASSIGNED, IN_PROGRESS, RETURNED)
HOUR = 3600
DAY = 86400
UTC = dt_timezone.utc
EPOCH = date(1970, 1, 1)
UNIT_STEPS = frozenset(t.action for t in TRANSITIONS.values() if t.actor == Actor.UNIT)
CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(86400)]  # time of day, UTC


def _null(value):
    return NULL if value is None else value


class _Weighted:
    """rng-driven choice with weights, without the cost of random.choices per call."""

    def __init__(self, pairs):
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


@dataclass
class MadeAppeals:
    requests: int = 0
    events: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Place:
    """An area as the generator needs it: ids as COPY text, names escaped for COPY."""

    area_id: str
    subdistrict_id: int
    sd: str
    cm: str
    cp: str
    lat: float
    lng: float
    level: str


# An approving official's draft of the public version (titles and replies repeat: cached).
_public = lru_cache(maxsize=8192)(public_text)


def _actor(user) -> str:
    """An event's actor as COPY text: the demo official's id, or NULL when seeded without accounts."""
    return NULL if user is None else str(user.pk)


class _Generator:
    def __init__(self, *, seed, today, places, departments, users, project_index, first_id):
        self.seed = seed
        self.rng = random.Random(0)
        self.first_id = first_id
        self.today = today
        self.departments = departments
        self.users = users
        self.project_index = project_index
        self.next_id = first_id
        self.numbers: dict[int, int] = {}
        self.deadlines: dict[tuple[str, date], tuple[int, int, str]] = {}
        self.dates: dict[int, str] = {}
        midnight = local_moment(today)
        self.anchor = midnight.timestamp()
        self.status_counts: dict[str, int] = {}
        self.made = 0

        points = places.points
        self.compounds: list[_Place] = []
        self.communities: list[_Place] = []
        self.subdistricts: list[_Place] = []
        for sd in places.subdistricts:
            sd_name = copy_text(sd.name)
            self.subdistricts.append(
                _Place(str(sd.pk), sd.pk, sd_name, f"{sd_name}街道", f"{sd_name}街道", *points[sd.pk], "sd")
            )
            for cm in places.communities[sd.pk]:
                cm_name = copy_text(cm.name)
                self.communities.append(_Place(str(cm.pk), sd.pk, sd_name, cm_name, cm_name, *points[cm.pk], "cm"))
                for cp in places.compounds[cm.pk]:
                    cp_name = copy_text(cp.name)
                    self.compounds.append(_Place(str(cp.pk), sd.pk, sd_name, cm_name, cp_name, *points[cp.pk], "cp"))
        self.other_offices = list(departments.offices.values())
        self.names = {pk: copy_text(name) for pk, name in departments.names.items()}
        self.templates = _Weighted([(t, 2 if t.kind == AppealKind.PRAISE else 10) for t in corpus.APPEALS])
        self.channels = _Weighted(CHANNELS)
        self.ratings = _Weighted(RATINGS)
        self.ratings_late = _Weighted(RATINGS_LATE)
        self.hours = list(accumulate(HOURS))
        self.district_id = _actor(users["district"])
        zhujian = departments.by_code["zhujian"].pk
        kuishan = next(d.pk for d in departments.offices.values() if d.name.startswith("奎山"))
        # Who signs, resolves or returns for a department: its demo official if it has one.
        self.department_actor = {zhujian: _actor(users["zhujian"]), kuishan: _actor(users["kuishan"])}
        self.programmes = set(Programme.objects.values_list("code", flat=True))

    def rows_for_day(self, day: _Day) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The requests of one day with their events and project links, in submission order.

        Each day has its own random stream, so days can be made in any order or process.
        """
        self.rng = rng = random.Random(f"requests-{self.seed}-{day.day.isoformat()}")
        self.next_id = self.first_id + day.first_index
        self.made = day.first_index
        self.numbers = {day.day.year: day.first_number - 1}
        self.status_counts = {}
        midnight = int(local_moment(day.day).timestamp())
        hours = self.hours
        seconds = sorted(
            bisect(hours, rng.random() * hours[-1]) * HOUR + int(rng.random() * HOUR) for _ in range(day.count)
        )
        appeals: list[tuple] = []
        events: list[tuple] = []
        links: list[tuple] = []
        for second in seconds:
            appeals.append(self.appeal(midnight + second, day.day, events, links))
        return appeals, events, links

    # -- helpers --------------------------------------------------------------------------

    def _deadlines(self, kind: str, day: date, submitted_ts: int) -> tuple[int, int, str]:
        """(seconds to respond, resolve deadline timestamp and its text), from `deadlines_for`.

        The resolve deadline depends only on the local day and the type, the response one is a
        fixed delay, so one call per (type, day) serves every request of that day.
        """
        key = (kind, day)
        cached = self.deadlines.get(key)
        if cached is None:
            submitted = datetime.fromtimestamp(submitted_ts, UTC)
            response_due, resolve_due = deadlines_for(kind=kind, submitted_at=submitted)
            resolve_ts = int(resolve_due.timestamp())
            cached = (int((response_due - submitted).total_seconds()), resolve_ts, self.stamp(resolve_ts))
            self.deadlines[key] = cached
        return cached

    def stamp(self, ts: int) -> str:
        """A UTC timestamp as ISO text: cheaper than building datetimes a million times over."""
        days, seconds = divmod(ts, DAY)
        day = self.dates.get(days)
        if day is None:
            day = self.dates[days] = (EPOCH + timedelta(days=days)).isoformat() + " "
        return day + CLOCK[seconds]

    def _tracking_no(self, year: int) -> str:
        number = self.numbers.get(year, 0) + 1
        self.numbers[year] = number
        return format_tracking_no(year, number)

    def _person(self) -> str:
        rng = self.rng
        given = corpus.GIVEN_CHARS
        name = corpus.SURNAMES[int(rng.random() * len(corpus.SURNAMES))] + given[int(rng.random() * len(given))]
        if rng.random() < 0.7:
            name += given[int(rng.random() * len(given))]
        return name

    def _phone(self) -> str:
        rng = self.rng
        return f"1{'35789'[int(rng.random() * 5)]}{int(rng.random() * 1_000_000_000):09d}"

    # -- one request ----------------------------------------------------------------------

    def appeal(self, submitted_ts: int, day: date, events: list, links: list) -> tuple:
        rng = self.rng
        template = self.templates.pick(rng)
        kind = template.kind
        channel = self.channels.pick(rng)
        r = rng.random()
        if r < 0.05 and template.level == "cm":
            place = self.subdistricts[int(rng.random() * len(self.subdistricts))]
        elif template.level == "cp" and r < 0.9:
            place = self.compounds[int(rng.random() * len(self.compounds))]
        else:
            place = self.communities[int(rng.random() * len(self.communities))]
        submitted = self.stamp(submitted_ts)
        response_seconds, resolve_ts, resolve_due = self._deadlines(kind, day, submitted_ts)
        response_due = self.stamp(submitted_ts + response_seconds)
        appeal_id = str(self.next_id)
        self.next_id += 1
        tracking_no = self._tracking_no(day.year)

        name = self._person()
        ctx = {
            "sd": place.sd,
            "cm": place.cm,
            "cp": place.cp,
            "b": int(rng.random() * 30) + 1,
            "u": int(rng.random() * 4) + 1,
            "f": int(rng.random() * 5) + 3,
            "n": int(rng.random() * 8) + 2,
            "age": int(rng.random() * 40) + 45,
            "name": self._person() if "{name}" in template.content else "",
            "school": corpus.SCHOOLS[int(rng.random() * len(corpus.SCHOOLS))],
        }
        content = template.content.format(**ctx)
        if template.variants and rng.random() < 0.4:
            content += template.variants[int(rng.random() * len(template.variants))]
        if place.level == "cp":
            location = f"{place.cp}{ctx['b']}号楼{ctx['u']}单元"
        else:
            location = place.cm + SPOTS[int(rng.random() * len(SPOTS))]
        latitude = longitude = NULL
        if rng.random() < 0.5:
            latitude = f"{place.lat + (rng.random() - 0.5) * 0.003:.6f}"
            longitude = f"{place.lng + (rng.random() - 0.5) * 0.003:.6f}"

        phone = self._phone()
        contact = ""
        if channel == HOTLINE and rng.random() < 0.03:
            name = phone = ""  # anonymous caller
        elif channel != HOTLINE and rng.random() < 0.06:
            phone = ""
            contact = corpus.CONTACT_ALTERNATIVES[int(rng.random() * 3)].format(
                py="qs", n=10000 + int(rng.random() * 90000)
            )
        external_id = NULL
        if channel in (HOTLINE, API):
            external_id = f"GD{day.year}{self.numbers[day.year]:07d}"

        right_department = self.departments.resolve(template.department, place.subdistrict_id)
        force = FORCED[self.made] if self.made < len(FORCED) else None
        self.made += 1
        steps = self._plan(submitted_ts, resolve_ts, template, place, right_department, ctx, force)

        # Replay the steps through the workflow's own rules, as appeal_transition applies them.
        state = StepState()
        events.append((appeal_id, "submit", "", SUBMITTED, NULL, SUBMIT_LABELS[channel], NULL, "", "", "", submitted))
        last_at = submitted
        for action, at_ts, dept_id, reason, note, text, rating in steps:
            last_at = self.stamp(int(at_ts))
            event = apply_step(
                state,
                action,
                at=last_at,
                department_id=dept_id,
                reason=reason,
                note=note,
                reply=text,
                rating=rating,
                comment=text,
            )
            acting = event.department_id if action == "return" else state.department_id
            if action in UNIT_STEPS:
                actor_id, label = self.department_actor.get(acting, NULL), self.names[acting]
            elif action == "rate":
                actor_id, label = NULL, "诉求人"
            else:
                actor_id, label = self.district_id, corpus.COMMAND_CENTRE
            events.append(
                (
                    appeal_id,
                    action,
                    event.from_status,
                    event.to_status,
                    actor_id,
                    label,
                    NULL if event.department_id is None else str(event.department_id),
                    reason,
                    note,
                    event.reply,
                    last_at,
                )
            )
        status = state.status
        department_id = state.department_id

        self.status_counts[status] = self.status_counts.get(status, 0) + 1
        consent = rng.random() < 0.45
        approved = consent and status in (RESOLVED, CLOSED) and rng.random() < 0.7
        programme = template.programme if template.programme in self.programmes else NULL
        if programme is not NULL and rng.random() < 0.03:
            candidates = self.project_index.get((programme, place.subdistrict_id))
            if candidates:
                links.append((appeal_id, str(candidates[int(rng.random() * len(candidates))])))
        return (
            appeal_id,
            tracking_no,
            channel,
            external_id,
            kind,
            programme,
            place.area_id,
            str(place.subdistrict_id),
            location,
            latitude,
            longitude,
            template.title,
            content,
            name,
            phone,
            contact,
            "t" if consent else "f",
            "t" if approved else "f",
            NULL if department_id is None else str(department_id),
            status,
            state.public_reply,
            *((_public(template.title), _public(content), _public(state.public_reply)) if approved else ("", "", "")),
            submitted,
            response_due,
            resolve_due,
            _null(state.responded_at),
            _null(state.resolved_at),
            _null(state.closed_at),
            state.rating,
            state.rating_comment,
            _null(state.rated_at),
            last_at,
        )

    def _plan(self, t0: float, due: float, template, place: _Place, right, ctx: dict, force: str | None) -> list[tuple]:
        """The steps of one request: (action, at, department id, reason, note, text, rating), where
        text is the public reply, or for a rating the resident's comment.

        `force` makes the request end in that status (the oldest few requests of every run
        cover all states, so even a tiny demo shows each one).
        """
        rng = self.rng
        random = rng.random
        steps: list[tuple] = []
        notes = corpus

        def note(options: list[str]) -> str:
            return options[int(random() * len(options))]

        def uniform(a: float, b: float) -> float:
            return a + (b - a) * random()

        r = random()
        if force is not None:
            r = 0.0 if force == REJECTED else 1.0
        late_response = random() < 0.08
        t = t0 + (uniform(25, 60) if late_response else uniform(0.2, 20)) * HOUR
        if r < 0.035:
            steps.append(("reject", t, None, "", "", note(notes.REJECT_REPLIES), ""))
            return self._cut(steps)
        steps.append(("accept", t, None, "", note(notes.ACCEPT_NOTES), "", ""))
        if r < 0.05:
            t += uniform(0.5, 30) * HOUR
            steps.append(("reject", t, None, "", "", note(notes.REJECT_REPLIES), ""))
            return self._cut(steps)
        stall = None
        s = random()
        if s < 0.01:
            stall = SUBMITTED
        elif s < 0.04:
            stall = (ACCEPTED, ASSIGNED, IN_PROGRESS, RETURNED)[int(random() * 4)]
        if force is not None:
            stall = force if force in STALLS else None
        if stall == SUBMITTED:
            return []
        if random() < 0.07 or stall == RETURNED:
            wrong, reason = self._wrong_department(template, place, right)
            t += uniform(0.1, 18) * HOUR
            steps.append(("assign", t, wrong.pk, "", note(notes.ASSIGN_NOTES), "", ""))
            if random() < 0.5:
                t += uniform(0.1, 20) * HOUR
                steps.append(("sign", t, None, "", note(notes.SIGN_NOTES), "", ""))
            t += uniform(0.5, 30) * HOUR
            steps.append(("return", t, None, reason, notes.RETURN_NOTES[reason], "", ""))
            if stall == RETURNED:
                return self._cut(steps)
            if random() < 0.1 and force is None:
                t += uniform(0.5, 20) * HOUR
                steps.append(("reject", t, None, "", "", note(notes.REJECT_REPLIES), ""))
                return self._cut(steps)
        if stall == ACCEPTED:
            return self._cut(steps)
        t += uniform(0.1, 18) * HOUR
        steps.append(("assign", t, right.pk, "", note(notes.ASSIGN_NOTES), "", ""))
        if stall == ASSIGNED:
            return self._cut(steps)
        t += uniform(0.1, 24) * HOUR
        steps.append(("sign", t, None, "", note(notes.SIGN_NOTES), "", ""))
        if stall == IN_PROGRESS:
            return self._cut(steps)
        late = random() < 0.12
        if late or due <= t:
            t = max(t, due) + uniform(2, 8 * 24) * HOUR
        else:
            t += max(600.0, (due - t) * uniform(0.05, 0.95))
        reply = template.reply.format(**ctx)
        steps.append(("resolve", t, None, "", note(notes.RESOLVE_NOTES), reply, ""))
        rated = random() < 0.78
        if (rated and force != RESOLVED) or force == CLOSED:
            rating = (self.ratings_late if late else self.ratings).pick(rng)
            comments = notes.RATING_COMMENTS[rating]
            t += uniform(0.5, 7) * DAY
            steps.append(("rate", t, None, "", "", note(comments), rating))
        return self._cut(steps)

    def _cut(self, steps: list[tuple]) -> list[tuple]:
        """Only what has happened before midnight of `today`."""
        anchor = self.anchor
        if not steps or steps[-1][1] < anchor:  # steps are in time order
            return steps
        for i, step in enumerate(steps):
            if step[1] >= anchor:
                return steps[:i]
        return steps

    def _wrong_department(self, template, place: _Place, right):
        rng = self.rng
        if template.department == corpus.SUBDISTRICT_OFFICE and rng.random() < 0.5:
            others = [d for d in self.other_offices if d.pk != right.pk]
            return others[int(rng.random() * len(others))], ReturnReason.WRONG_AREA
        wrong = self.departments.resolve(template.wrong_department, place.subdistrict_id)
        if wrong.pk == right.pk:
            wrong = self.departments.by_code["chengguan"]
        return wrong, ReturnReason.WRONG_FUNCTION


@dataclass(frozen=True)
class _Day:
    """One day of requests: how many, and where they start in the run's ids and numbers."""

    day: date
    count: int
    first_index: int  # position of its first request in the whole run (its id, forced states)
    first_number: int  # tracking number of its first request, within its year


def _days(count: int, today: date) -> tuple[list[_Day], dict[int, int]]:
    """Spread `count` requests evenly over the year before `today`; also the last number per year."""
    days: list[_Day] = []
    index = 0
    numbers: dict[int, int] = {}
    for d in range(DAYS):
        n = (d + 1) * count // DAYS - d * count // DAYS
        if not n:
            continue
        day = today - timedelta(days=DAYS - d)
        days.append(_Day(day, n, index, numbers.get(day.year, 0) + 1))
        index += n
        numbers[day.year] = numbers.get(day.year, 0) + n
    return days, numbers


def seed_appeals(
    *,
    seed: int,
    count: int,
    today: date,
    places,
    departments,
    users,
    project_index: dict,
    progress: Callable[[str, int, int], None] | None = None,
) -> MadeAppeals:
    """Write `count` requests submitted over the year before `today`, with their events."""
    made = MadeAppeals()
    if count == 0:
        return made
    first_id = reserve_ids(Appeal, count)
    generator = _Generator(
        seed=seed,
        today=today,
        places=places,
        departments=departments,
        users=users,
        project_index=project_index,
        first_id=first_id,
    )
    days, numbers = _days(count, today)
    tables = (Appeal, AppealEvent, Appeal.projects.through) if count >= DEFER_INDEXES_FROM else ()
    with indexes_deferred(*tables):
        if uses_copy() and count >= PARALLEL_FROM and WORKERS > 1:
            _write_parallel(generator, days, made, progress)
        else:
            _write(generator, days, made, progress)
    made.requests = count

    for year, last in numbers.items():
        counter, _ = TrackingCounter.objects.get_or_create(year=year)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])
    return made


def _merge(made: MadeAppeals, counts: dict[str, int]) -> None:
    for status, n in counts.items():
        made.status_counts[status] = made.status_counts.get(status, 0) + n


def _write(generator: _Generator, days: list[_Day], made: MadeAppeals, progress) -> None:
    """Generate the requests day by day in this process and write them in batches."""
    pipe = CopyPipe() if uses_copy() else None
    appeals = RowWriter(Appeal, APPEAL_COLUMNS, batch_size=BATCH, pipe=pipe)
    events = RowWriter(AppealEvent, EVENT_COLUMNS, batch_size=BATCH * 6, pipe=pipe)
    links = RowWriter(Appeal.projects.through, LINK_COLUMNS, batch_size=BATCH, pipe=pipe)
    total = sum(d.count for d in days)
    done = 0
    try:
        for day in days:
            appeal_rows, event_rows, link_rows = generator.rows_for_day(day)
            _merge(made, generator.status_counts)
            made.events += len(event_rows)
            # Foreign keys are checked at commit (deferred) on both databases: any order will do.
            appeals.extend(appeal_rows)
            events.extend(event_rows)
            links.extend(link_rows)
            done += day.count
            if progress:
                progress("诉求", done, total)
        appeals.flush()
        events.flush()
        links.flush()
    finally:
        if pipe is not None:
            pipe.close()


_WORKER: _Generator | None = None  # set in the parent before the worker processes fork
_APPEAL_SEALER: Sealer | None = None


def _rows_as_text(day: _Day) -> tuple[bytes, bytes, bytes, dict[str, int], int]:
    appeal_rows, event_rows, link_rows = _WORKER.rows_for_day(day)
    return (
        # Encrypted and encoded here, in parallel, not in the COPY thread.
        _APPEAL_SEALER.copy_lines(appeal_rows).encode(),
        copy_lines(event_rows).encode(),
        copy_lines(link_rows).encode(),
        _WORKER.status_counts,
        len(event_rows),
    )


def _write_parallel(generator: _Generator, days: list[_Day], made: MadeAppeals, progress) -> None:
    """Generate days in worker processes while this one feeds COPY: the same rows as `_write`.

    Workers are forked before the COPY thread starts, share nothing but the generator's
    read-only tables, and never touch the database. At most WINDOW days are in flight, so
    memory stays bounded however many requests are made.
    """
    global _WORKER, _APPEAL_SEALER
    _WORKER = generator
    _APPEAL_SEALER = Sealer(Appeal, APPEAL_COLUMNS)
    context = multiprocessing.get_context("fork")
    pool = context.Pool(processes=WORKERS)
    pipe = None
    total = sum(d.count for d in days)
    done = 0
    try:
        pipe = CopyPipe()
        sql = [RowWriter(model, columns).copy_sql for model, columns in _TABLES]
        queue = iter(days)
        pending = deque((day, pool.apply_async(_rows_as_text, (day,))) for day in islice(queue, WINDOW))
        while pending:
            day, result = pending.popleft()
            texts = result.get()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.apply_async(_rows_as_text, (following,))))
            for statement, text in zip(sql, texts[:3], strict=True):
                if text:
                    pipe.put(statement, text)
            _merge(made, texts[3])
            made.events += texts[4]
            done += day.count
            if progress:
                progress("诉求", done, total)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _WORKER = _APPEAL_SEALER = None
        if pipe is not None:
            pipe.close()
