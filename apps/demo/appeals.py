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

from django.conf import settings

from apps.appeals.models import (
    Appeal,
    AppealCoAssignment,
    AppealEvent,
    AppealKind,
    Channel,
    Rating,
    ReturnReason,
    TrackingCounter,
    new_tracking_nonce,
)
from apps.appeals.services import co_reply_due, deadlines_for, suggested_urgency
from apps.appeals.tracking import format_tracking_no
from apps.appeals.workflow import (
    ACCEPTED,
    ASSIGNED,
    CLOSED,
    IN_PROGRESS,
    MERGED,
    REJECTED,
    RESOLVED,
    RETURNED,
    REVIEW,
    SUBMITTED,
    TRANSITIONS,
    Actor,
    StepState,
    apply_step,
    merged_reply,
)
from apps.categories.models import ProblemCategory
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
    "category_id",
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
    "urgency",
    "solved",
    "closure",
    "reopen_count",
    "extensions",
    "extension_until",
    "extension_reason",
    "supervision",
    "supervision_due",
    "supervision_answered_at",
    "co_pending",
    "merged_into_id",
    "notify_sms",
    "notify_email",
    "tracking_nonce",
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
    "until",
    "rating",
    "solved",
    "proxy_reason",
    "category_id",
    "comment",
    "at",
)
LINK_COLUMNS = ("appeal_id", "project_id")
CO_COLUMNS = (
    "appeal_id",
    "department_id",
    "assigned_at",
    "due",
    "replied_at",
    "note",
    "replied_by_id",
    "actor_label",
    "proxy_reason",
    "withdrawn_at",
    "signed_at",
)
_TABLES = (
    (Appeal, APPEAL_COLUMNS),
    (AppealEvent, EVENT_COLUMNS),
    (Appeal.projects.through, LINK_COLUMNS),
    (AppealCoAssignment, CO_COLUMNS),
)

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
    REVIEW,
    MERGED,  # an odd position: it may be merged into the request before it
)
STALLS = (SUBMITTED, ACCEPTED, ASSIGNED, IN_PROGRESS, RETURNED)
HOUR = 3600
DAY = 86400
UTC = dt_timezone.utc
EPOCH = date(1970, 1, 1)
UNIT_STEPS = frozenset(t.action for t in TRANSITIONS.values() if t.actor == Actor.UNIT)
CO_STEPS = frozenset(t.action for t in TRANSITIONS.values() if t.actor == Actor.CO_UNIT)
CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(86400)]  # time of day, UTC


def _null(value) -> str:
    return NULL if value is None else str(value)


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
NONCE_DIGITS = len(new_tracking_nonce())
PHONES = 100_000  # the demo residents' mobile numbers: people call again


@lru_cache(maxsize=2)
def _phones(seed: int) -> list[str]:
    """The seed's residents' numbers; each is sealed once however often it calls (bulk.Sealer)."""
    rng = random.Random(f"phones-{seed}")
    return [f"1{'35789'[int(rng.random() * 5)]}{int(rng.random() * 1_000_000_000):09d}" for _ in range(PHONES)]


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
        self.deadlines: dict[tuple[str, str, date], tuple[int, int, str]] = {}
        self.dates: dict[int, str] = {}
        midnight = local_moment(today)
        self.anchor = midnight.timestamp()
        self.rating_days = settings.APPEAL_RATING_DAYS
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
        # 协办: bureaus and companies that may be named beside the lead.
        self.co_candidates = [d.pk for d in departments.by_code.values()]
        self.programmes = set(Programme.objects.values_list("code", flat=True))
        # Problem classes by code: one query here, none per request.
        self.category_ids = dict(ProblemCategory.objects.values_list("code", "pk"))

    def rows_for_day(self, day: _Day) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        """The requests of one day with their events, project links and co-departments (协办),
        in submission order.

        Each day has its own random stream, so days can be made in any order or process.
        """
        self.rng = rng = random.Random(f"requests-{self.seed}-{day.day.isoformat()}")
        self.co_rng = random.Random(f"co-departments-{self.seed}-{day.day.isoformat()}")
        self.next_id = self.first_id + day.first_index
        self.made = day.first_index
        self.numbers = {day.day.year: day.first_number - 1}
        self.status_counts = {}
        # The tracking links' nonces, random like the model's default (new_tracking_nonce): one
        # read from the OS for the day, 16 hex digits a request.
        self.nonces = os.urandom(8 * day.count).hex()
        self.nonce_at = 0
        midnight = int(local_moment(day.day).timestamp())
        hours = self.hours
        seconds = sorted(
            bisect(hours, rng.random() * hours[-1]) * HOUR + int(rng.random() * HOUR) for _ in range(day.count)
        )
        appeals: list[tuple] = []
        events: list[tuple] = []
        links: list[tuple] = []
        co_rows: list[tuple] = []
        for second in seconds:
            appeals.append(self.appeal(midnight + second, day.day, events, links, co_rows))
        return appeals, events, links, co_rows

    # -- helpers --------------------------------------------------------------------------

    def _deadlines(self, kind: str, urgency: str, day: date, submitted_ts: int) -> tuple[int, int, str]:
        """(seconds to respond, resolve deadline timestamp and its text), from `deadlines_for`.

        The resolve deadline depends only on the local day and the type, the response one is a
        fixed delay, so one call per (kind, urgency, day) serves every request of that day.
        """
        key = (kind, urgency, day)
        cached = self.deadlines.get(key)
        if cached is None:
            submitted = datetime.fromtimestamp(submitted_ts, UTC)
            response_due, resolve_due = deadlines_for(kind=kind, submitted_at=submitted, urgency=urgency)
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

    def _nonce(self) -> str:
        at = self.nonce_at
        self.nonce_at = at + NONCE_DIGITS
        return self.nonces[at : at + NONCE_DIGITS]

    def _phone(self) -> str:
        phones = _phones(self.seed)
        return phones[int(self.rng.random() * len(phones))]

    # -- one request ----------------------------------------------------------------------

    def appeal(self, submitted_ts: int, day: date, events: list, links: list, co_rows: list) -> tuple:
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
        urgency = suggested_urgency(template.title, content)
        response_seconds, resolve_ts, resolve_due = self._deadlines(kind, urgency, day, submitted_ts)
        response_due = self.stamp(submitted_ts + response_seconds)
        if place.level == "cp":
            location = f"{place.cp}{ctx['b']}号楼{ctx['u']}单元"
        else:
            location = place.cm + SPOTS[int(rng.random() * len(SPOTS))]
        latitude = longitude = NULL
        if rng.random() < 0.5:  # a pin to five decimals (about a metre): pins repeat, each sealed once
            latitude = f"{place.lat + (rng.random() - 0.5) * 0.003:.5f}"
            longitude = f"{place.lng + (rng.random() - 0.5) * 0.003:.5f}"

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
        # A duplicate is merged into the request just before it; only odd positions are ever
        # merged, so that one never is (and it is in the same year: same tracking sequence).
        merge_into = None
        if self.made % 2 == 1 and self.numbers[day.year] > 1:
            merge_into = (self.next_id - 2, format_tracking_no(day.year, self.numbers[day.year] - 1))
        self.made += 1
        steps = self._plan(submitted_ts, resolve_ts, template, place, right_department, ctx, force, merge_into)
        self._add_co_departments(steps, right_department.pk, force)

        # Residents writing online picked the first level; the dispatcher classes it at 受理.
        category_code = corpus.APPEAL_CATEGORIES.get(template.title, "990101")
        category_id = self.category_ids.get(category_code)
        # Replay the steps through the workflow's own rules, as appeal_transition applies them.
        state = StepState(urgency=urgency, resolve_due=resolve_due)
        if channel in (WEB, WECHAT):
            state.category_id = self.category_ids.get(category_code[:2])
        events.append(
            (
                appeal_id,
                "submit",
                "",
                SUBMITTED,
                NULL,
                SUBMIT_LABELS[channel],
                NULL,
                "",
                "",
                "",
                NULL,
                "",
                "",
                "",
                NULL,
                "",
                submitted,
            )
        )
        last_at = submitted
        stamp = self.stamp
        co: dict[int, list] = {}  # co-department id → its AppealCoAssignment row, as a list
        for action, at_ts, dept_id, reason, note, text, rating, solved, until_ts, into_id, proxy in steps:
            last_at = stamp(int(at_ts))
            co_ids = ()
            if action == "assign" and into_id is not None:
                co_ids, into_id = into_id, None  # an assign's plan carries its co-departments there
                assigned = datetime.fromtimestamp(int(at_ts), UTC)
                lead_due = datetime.fromtimestamp(int(resolve_ts), UTC)
                due = stamp(int(co_reply_due(assigned_at=assigned, resolve_due=lead_due).timestamp()))
                for co_id in co_ids:
                    co[co_id] = [appeal_id, str(co_id), last_at, due, NULL, "", NULL, "", "", NULL, NULL]
            elif action == "return":  # as appeal_transition: nobody owes a contribution any more
                for row in co.values():
                    if row[4] is NULL and row[9] is NULL:
                        row[9] = last_at
            elif action == "co_sign":
                co[dept_id][10] = last_at
            elif action == "co_reply":
                row = co[dept_id]
                row[4], row[5], row[7] = last_at, note, self.names[dept_id]
                row[6] = self.department_actor.get(dept_id, NULL)
                row[10] = last_at if row[10] is NULL else row[10]  # answering unsigned signs too
            event = apply_step(
                state,
                action,
                at=last_at,
                department_id=dept_id,
                reason=reason,
                note=note,
                reply=text,
                rating=rating,
                solved=solved,
                comment=text,
                urgency=urgency if action == "accept" else "",
                category_id=category_id if action == "accept" else None,
                until=None if until_ts is None else stamp(int(until_ts)),
                merged_into_id=into_id,
                co_pending=len(co_ids),
            )
            if proxy:
                actor_id, label = self.district_id, "区级工作人员"
            elif action in UNIT_STEPS or action in CO_STEPS:
                acting = event.department_id
                actor_id, label = self.department_actor.get(acting, NULL), self.names[acting]
            elif action == "rate":
                actor_id, label = NULL, "诉求人"
            elif action == "expire":
                actor_id, label = NULL, "系统"
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
                    _null(event.department_id),
                    event.reason,
                    note,
                    event.reply,
                    _null(event.until),
                    event.rating,
                    event.solved,
                    proxy,
                    _null(event.category_id),
                    event.comment,
                    last_at,
                )
            )
        co_rows.extend(tuple(row) for row in co.values())
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
            _null(state.category_id),
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
            state.resolve_due,
            _null(state.responded_at),
            _null(state.resolved_at),
            _null(state.closed_at),
            state.rating,
            state.rating_comment,
            _null(state.rated_at),
            state.urgency,
            state.solved,
            state.closure,
            str(state.reopen_count),
            str(state.extensions),
            _null(state.extension_until),
            state.extension_reason,
            state.supervision,
            _null(state.supervision_due),
            _null(state.supervision_answered_at),
            str(state.co_pending),
            _null(state.merged_into_id),
            "f",  # demo residents asked for no SMS or email: the outbox stays empty
            "",
            self._nonce(),  # random, like the model's default: links must not be guessable
            last_at,
        )

    def _plan(
        self, t0: float, due: float, template, place: _Place, right, ctx: dict, force: str | None, merge_into
    ) -> list[tuple]:
        """The steps of one request: (action, at, department id, reason, note, text, rating,
        solved, until, merged into id, 代办 reason), where text is the public reply, or for a
        rating the resident's comment.

        `force` makes the request end in that status (the oldest few requests of every run
        cover all states, so even a tiny demo shows each one).
        """
        rng = self.rng
        random = rng.random
        steps: list[tuple] = []
        notes = corpus

        def step(action, t, dept=None, reason="", note="", text="", rating="", solved="", until=None, into=None):
            proxy = ""
            if action in UNIT_STEPS and force is None and random() < 0.02:
                proxy = notes.PROXY_REASONS[int(random() * len(notes.PROXY_REASONS))]
            steps.append((action, t, dept, reason, note, text, rating, solved, until, into, proxy))

        def note(options: list[str]) -> str:
            return options[int(random() * len(options))]

        def uniform(a: float, b: float) -> float:
            return a + (b - a) * random()

        r = random()
        if force is not None:
            r = 0.0 if force == REJECTED else 1.0
        late_response = random() < 0.08
        t = t0 + (uniform(25, 60) if late_response else uniform(0.2, 20)) * HOUR
        if merge_into is not None and (force == MERGED or (force is None and random() < 0.04)):
            into_id, into_no = merge_into
            step("merge", t, note="与前一件反映的问题相同。", text=merged_reply(into_no), into=into_id)
            return self._cut(steps)
        if r < 0.035:
            step("reject", t, text=note(notes.REJECT_REPLIES))
            return self._cut(steps)
        step("accept", t, note=note(notes.ACCEPT_NOTES))
        if r < 0.05:
            t += uniform(0.5, 30) * HOUR
            step("reject", t, text=note(notes.REJECT_REPLIES))
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
            step("assign", t, wrong.pk, note=note(notes.ASSIGN_NOTES))
            if random() < 0.5:
                t += uniform(0.1, 20) * HOUR
                step("sign", t, note=note(notes.SIGN_NOTES))
            t += uniform(0.5, 30) * HOUR
            step("return", t, reason=reason, note=notes.RETURN_NOTES[reason])
            if stall == RETURNED:
                return self._cut(steps)
            if random() < 0.1 and force is None:
                t += uniform(0.5, 20) * HOUR
                step("reject", t, text=note(notes.REJECT_REPLIES))
                return self._cut(steps)
        if stall == ACCEPTED:
            return self._cut(steps)
        t += uniform(0.1, 18) * HOUR
        step("assign", t, right.pk, note=note(notes.ASSIGN_NOTES))
        if stall == ASSIGNED:
            return self._cut(steps)
        t += uniform(0.1, 24) * HOUR
        step("sign", t, note=note(notes.SIGN_NOTES))
        if stall == IN_PROGRESS:
            return self._cut(steps)
        if random() < 0.05:  # 督办, mostly answered
            t += uniform(4, 72) * HOUR
            level = "key" if random() < 0.3 else "general"
            step("supervise", t, reason=level, note=note(notes.SUPERVISE_NOTES), until=t + 2 * DAY)
            if random() < 0.85:
                t += uniform(2, 30) * HOUR
                step("answer_supervision", t, note=note(notes.SUPERVISION_ANSWERS))
        if random() < 0.05 and t < due:  # 延期: asked before the deadline, mostly approved
            t += min(uniform(2, 48) * HOUR, (due - t) / 2)
            until = due + 3 * DAY
            step("request_extension", t, reason=note(notes.EXTENSION_REASONS), until=until)
            t += uniform(1, 20) * HOUR
            if random() < 0.75:
                step("approve_extension", t)
                due = until
            else:
                step("refuse_extension", t, note=note(notes.REFUSE_EXTENSION_NOTES))
        late = random() < 0.12
        if late or due <= t:
            t = max(t, due) + uniform(2, 8 * 24) * HOUR
        else:
            t += max(600.0, (due - t) * uniform(0.05, 0.95))
        if force == RESOLVED:
            t = max(t, self.anchor - uniform(1, 5) * DAY)  # recent enough not to be closed as 未评价
        reply = template.reply.format(**ctx)
        step("resolve", t, note=note(notes.RESOLVE_NOTES), text=reply)
        if force == RESOLVED:
            return self._cut(steps)
        for round_ in (0, 1):
            answered = random()
            if answered < 0.78 or force in (CLOSED, REVIEW):
                rating, solved = (
                    ("satisfied", "yes") if force == CLOSED else self._answers(late, negative=force == REVIEW)
                )
                t += uniform(0.5, 6.5) * DAY
                step("rate", t, text=note(notes.RATING_COMMENTS[rating]), rating=rating, solved=solved)
            elif answered < 0.87:
                rating, solved = self._answers(late, negative=False)
                t += uniform(1, 6) * DAY
                step("revisit", t, note=note(notes.REVISIT_NOTES), rating=rating, solved=solved)
            else:
                t += (self.rating_days + uniform(0.01, 0.99)) * DAY  # the daily command closes it
                step("expire", t)
                return self._cut(steps)
            if rating != "unsatisfied" and solved != "no":
                return self._cut(steps)
            if force == REVIEW:
                return self._cut(steps)
            t += uniform(0.5, 3) * DAY
            if round_ == 1 or random() < 0.35:
                explained = ("unreasonable", "policy", "done")[int(random() * 3)]
                step("close_explained", t, reason=explained, text=notes.EXPLAINED_REPLIES[explained])
                return self._cut(steps)
            step("reopen", t, note=note(notes.REOPEN_NOTES), text=note(notes.REOPEN_REPLIES), until=t + 7 * DAY)
            t += uniform(1, 24) * HOUR
            step("sign", t, note=note(notes.SIGN_NOTES))
            t += uniform(1, 6) * DAY
            late = False
            step("resolve", t, note=note(notes.RESOLVE_NOTES), text=reply)
        return self._cut(steps)

    def _add_co_departments(self, steps: list[tuple], lead_id: int, force: str | None) -> None:
        """协办 on some requests: one or two co-departments named at the (last) 派单, each mostly
        answering while the lead handles it. A random stream of its own, so the rest of the
        demo is what it was without them. The assign step carries them in its `into` place."""
        co_rng = self.co_rng
        at = next((i for i in range(len(steps) - 1, -1, -1) if steps[i][0] == "assign"), None)
        if at is None or not (co_rng.random() < 0.08 or force == ASSIGNED):
            return
        candidates = [pk for pk in self.co_candidates if pk != lead_id]
        first = int(co_rng.random() * len(candidates))
        co_ids = (candidates[first],) if co_rng.random() < 0.7 else (candidates[first], candidates[first - 1])
        assign = steps[at]
        steps[at] = (*assign[:9], co_ids, assign[10])
        start = assign[1]
        left = next((step[1] for step in steps[at + 1 :] if step[0] in ("resolve", "return", "merge")), None)
        end = min(left if left is not None else self.anchor, self.anchor, start + 5 * DAY)
        replies = [
            ("co_reply", start + (end - start) * co_rng.uniform(0.1, 0.9), co_id, "", note, "", "", "", None, None, "")
            for co_id in co_ids
            if force != ASSIGNED and co_rng.random() < 0.85  # the forced one shows a pending 协办
            for note in (corpus.CO_REPLY_NOTES[int(co_rng.random() * len(corpus.CO_REPLY_NOTES))],)
        ]
        # 协办签收 before each answer; of those not answering, the first co-department has signed.
        # Fixed fractions of the time, not random draws: the rest of the demo stays what it was.
        answered = {reply[2]: reply[1] for reply in replies}
        signs = [
            ("co_sign", start + (answered[co_id] - start) * 0.3, co_id, "", "", "", "", "", None, None, "")
            if co_id in answered
            else ("co_sign", start + (end - start) * 0.05, co_id, "", "", "", "", "", None, None, "")
            for n, co_id in enumerate(co_ids)
            if co_id in answered or n == 0
        ]
        steps.extend(signs + replies)
        steps.sort(key=lambda step: step[1])

    def _answers(self, late: bool, *, negative: bool, positive: bool = False) -> tuple[str, str]:
        """The resident's two answers: 满意度 and 是否解决, which mostly agree."""
        random = self.rng.random
        if positive:
            return "satisfied", "yes"
        rating = "unsatisfied" if negative else (self.ratings_late if late else self.ratings).pick(self.rng)
        if rating == "satisfied":
            solved = "yes" if random() < 0.9 else "partly"
        elif rating == "basically":
            solved = "yes" if random() < 0.5 else "partly"
        else:
            solved = "no" if negative or random() < 0.6 else "partly"
        return rating, solved

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
    # Every table of the load: a foreign key left in place checks each row at commit, one by one.
    tables = [model for model, _columns in _TABLES] if count >= DEFER_INDEXES_FROM else ()
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
    co_assignments = RowWriter(AppealCoAssignment, CO_COLUMNS, batch_size=BATCH, pipe=pipe)
    total = sum(d.count for d in days)
    done = 0
    try:
        for day in days:
            appeal_rows, event_rows, link_rows, co_rows = generator.rows_for_day(day)
            _merge(made, generator.status_counts)
            made.events += len(event_rows)
            # Foreign keys are checked at commit (deferred) on both databases: any order will do.
            appeals.extend(appeal_rows)
            events.extend(event_rows)
            links.extend(link_rows)
            co_assignments.extend(co_rows)
            done += day.count
            if progress:
                progress("诉求", done, total)
        appeals.flush()
        events.flush()
        links.flush()
        co_assignments.flush()
    finally:
        if pipe is not None:
            pipe.close()


_WORKER: _Generator | None = None  # set in the parent before the worker processes fork
_APPEAL_SEALER: Sealer | None = None


def _rows_as_text(day: _Day) -> tuple[bytes, bytes, bytes, bytes, dict[str, int], int]:
    appeal_rows, event_rows, link_rows, co_rows = _WORKER.rows_for_day(day)
    return (
        # Encrypted and encoded here, in parallel, not in the COPY thread.
        _APPEAL_SEALER.copy_lines(appeal_rows).encode(),
        copy_lines(event_rows).encode(),
        copy_lines(link_rows).encode(),
        copy_lines(co_rows).encode(),
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
            for statement, text in zip(sql, texts[:4], strict=True):
                if text:
                    pipe.put(statement, text)
            _merge(made, texts[4])
            made.events += texts[5]
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
