"""The daily rollups always equal the direct aggregate: a property test through the real state machine.

Hypothesis builds a few requests received around midnight (Asia/Shanghai), takes random allowed
steps through `appeal_transition` (some as 代办, some corrections of the programme), then for
random periods, groupings and "today"s compares every count the figures read from the rollups
with the same count computed from the requests and their events; and checks that rebuilding the
rollups from scratch gives the rows the steps kept.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from apps.accounts.models import ScopeKind
from apps.appeals.figures import Window, direct_counts, evaluate, formulas, request_totals, rollup_counts
from apps.appeals.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Appeal,
    AppealDay,
    AppealDueDay,
    AppealGroupDay,
    AppealGroupDueDay,
    AppealGroupStepDay,
    AppealKind,
    AppealStepDay,
    ExplainedReason,
    Rating,
    ReturnReason,
    Solved,
    Status,
    SupervisionLevel,
    overdue_q,
    published_q,
)
from apps.appeals.rollups import rollups_rebuild
from apps.appeals.services import appeal_correct, appeal_set_publication, appeal_submit, appeal_transition
from apps.appeals.workflow import IllegalTransition, allowed_actions
from apps.common.dates import local_moment
from apps.common.workdays import add_working_days
from apps.programmes.models import Programme
from tests import factories as f

BASE = date(2026, 2, 23)  # a Monday; the requests arrive over the six weeks after it
MONTH_STARTS = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
UNIT_STEPS = ("sign", "return", "request_extension", "answer_supervision", "resolve")
FORWARD = ("accept", "assign", "sign", "resolve", "rate", "revisit")
# Minutes after midnight: right at the day boundaries, and anywhere.
MINUTES = st.one_of(st.sampled_from([0, 1, 1439, 1438, 720]), st.integers(0, 1439))
# Between two steps: a minute, hours, just under or over a day, days.
GAPS = st.one_of(st.sampled_from([1, 59, 61, 1439, 1441, 2 * 1440 + 1]), st.integers(1, 6 * 1440))


def nonzero(rows: dict[int, Counter]) -> dict[int, Counter]:
    return {key: +counts for key, counts in rows.items() if +counts}


def table_rows(model) -> Counter:
    keys = (*model.KEY, "due_day") if model is AppealDueDay else model.KEY
    counts = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", *keys}]
    rows = Counter()
    for row in model.objects.values(*keys, *counts):
        for name in counts:
            if row[name]:
                rows[(tuple(row[k] for k in keys), name)] += row[name]
    return rows


class RollupsMatchTheDirectAggregate(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.subdistricts = [f.subdistrict("奎山"), f.subdistrict("泰山")]
        cls.communities = [f.community(parent=s) for s in cls.subdistricts]
        cls.departments = [f.department("区住房和城乡建设局"), f.department("华润燃气"), f.department("区城管局")]
        cls.district_official = f.official(scope=ScopeKind.DISTRICT)
        cls.programmes = list(Programme.objects.order_by("code")[:3])

    def _arguments(self, data, appeal: Appeal, action: str, at: datetime, appeals: list[Appeal]) -> dict | None:
        draw = data.draw
        if action == "accept":
            return {"urgency": draw(st.sampled_from(["", "normal", "urgent"]))}
        if action == "reject":
            return {"reply": "不属于受理范围。"}
        if action == "assign":
            return {"department": draw(st.sampled_from(self.departments))}
        if action == "return":
            return {"reason": draw(st.sampled_from(ReturnReason.values))}
        if action == "request_extension":
            return {"until": add_working_days(appeal.resolve_due, draw(st.integers(1, 10))), "reason": "需要施工"}
        if action in ("refuse_extension", "answer_supervision"):
            return {"note": "说明"}
        if action == "supervise":
            return {"level": draw(st.sampled_from(SupervisionLevel.values)), "until": at + timedelta(days=2)}
        if action == "resolve":
            return {"reply": "已处理。"}
        if action == "rate":
            return {
                "rating": draw(st.sampled_from(Rating.values)),
                "solved": draw(st.sampled_from(["", *Solved.values])),
            }
        if action == "revisit":
            return {"rating": draw(st.sampled_from(Rating.values)), "solved": draw(st.sampled_from(Solved.values))}
        if action == "close_explained":
            return {"reason": draw(st.sampled_from(ExplainedReason.values)), "reply": "依政策解释。"}
        if action == "merge":
            others = [a for a in appeals if a.pk != appeal.pk and a.status != Status.MERGED]
            if not others:
                return None
            return {"into": draw(st.sampled_from(others))}
        return {}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_every_count_from_the_rollups_equals_the_direct_aggregate(self, data):
        draw = data.draw
        appeals, clock = [], []
        for _ in range(draw(st.integers(1, 5), label="requests")):
            day = BASE + timedelta(days=draw(st.integers(0, 42)))
            submitted = local_moment(day) + timedelta(minutes=draw(MINUTES))
            hazard = draw(st.booleans())
            appeals.append(
                appeal_submit(
                    kind=draw(st.sampled_from(AppealKind.values)),
                    area=draw(st.sampled_from(self.communities)),
                    title="闻到燃气味" if hazard else "楼道灯坏了",
                    content="请尽快处理。",
                    submitter_phone="13912345678",
                    programme=draw(st.sampled_from([None, *self.programmes])),
                    consent_to_publish=draw(st.booleans()),
                    submitted_at=submitted,
                )
            )
            clock.append(submitted)
        for _ in range(draw(st.integers(0, 30), label="steps")):
            index = draw(st.integers(0, len(appeals) - 1))
            appeal = Appeal.objects.get(pk=appeals[index].pk)
            at = clock[index] + timedelta(minutes=draw(GAPS))
            allowed = allowed_actions(appeal)
            choices = [*allowed, "correct", *(["publish"] if appeal.consent_to_publish else [])]
            # Half the steps move the request on along the usual loop, so that most examples reach
            # 办结 and 评价 (drawn uniformly, a lone request rarely got past 派单 in 30 steps).
            forward = [a for a in FORWARD if a in allowed]
            action = forward[0] if forward and draw(st.booleans()) else draw(st.sampled_from(choices))
            if action == "publish":
                appeal_set_publication(appeal=appeal, approved=draw(st.booleans()))
                continue
            if action == "correct":
                appeal.programme = draw(st.sampled_from([None, *self.programmes]))
                appeal_correct(appeal=appeal)
                continue
            arguments = self._arguments(data, appeal, action, at, appeals)
            if arguments is None:
                continue
            if action in UNIT_STEPS and draw(st.booleans()):
                arguments.update(by=self.district_official, proxy_reason="承办单位系统故障")
            try:
                appeal_transition(appeal=appeal.pk, action=action, at=at, **arguments)
            except IllegalTransition:
                continue  # e.g. merging into a request merged meanwhile
            clock[index] = at
            appeals = [Appeal.objects.get(pk=a.pk) for a in appeals]

        # Periods of a few days or of months, from any day or from the first of a month (whole
        # months are read from the month rows, the rest from the day rows).
        first = draw(st.one_of(st.sampled_from(MONTH_STARTS), st.integers(-10, 50).map(lambda n: BASE + timedelta(n))))
        last = first + timedelta(days=draw(st.one_of(st.integers(0, 10), st.integers(27, 70))))
        today = BASE + timedelta(days=draw(st.integers(0, 80)))
        group_by = draw(st.sampled_from(["subdistrict", "department"]))
        window = Window(first, last, today)

        current, previous = rollup_counts(window, group_by)
        direct_now = direct_counts(first, last, group_by, today=today)
        direct_before = direct_counts(window.previous_first, first - timedelta(days=1), group_by, today=today)
        assert nonzero(current) == nonzero(direct_now)
        assert nonzero(previous) == nonzero(direct_before)
        for key, counts in direct_now.items():
            for formula in formulas():
                assert evaluate(formula, current[key], previous.get(key, Counter())) == evaluate(
                    formula, counts, direct_before.get(key, Counter())
                )

        # The API's totals (overdue at any moment of `today`) equal the direct aggregate.
        now = local_moment(today) + timedelta(minutes=draw(MINUTES))
        received = Appeal.objects.filter(
            submitted_at__gte=local_moment(first), submitted_at__lt=local_moment(last + timedelta(days=1))
        )
        direct = received.aggregate(
            received=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("id", filter=Q(status__in=DONE_STATUSES)),
            rejected=Count("id", filter=Q(status="rejected")),
            overdue=Count("id", filter=overdue_q(now)),
            published=Count("id", filter=published_q()),
        )
        assert vars(request_totals(first_day=first, last_day=last, now=now)) == direct

        tables = (AppealDay, AppealDueDay, AppealStepDay, AppealGroupDay, AppealGroupDueDay, AppealGroupStepDay)
        kept = {model: table_rows(model) for model in tables}
        rollups_rebuild()
        assert {model: table_rows(model) for model in kept} == kept


def test_day_boundaries_follow_the_site_time_zone(db):
    """23:59 and 00:01 Asia/Shanghai fall on two days, whatever UTC says (15:59 and 16:01)."""
    area = f.community()
    late = f.appeal(area=area, submitted_at=local_moment(BASE, time(23, 59)))
    early = f.appeal(area=area, submitted_at=local_moment(BASE + timedelta(days=1), time(0, 1)))
    days = dict(AppealDay.objects.filter(month=False).values_list("day", "received"))
    assert days == {BASE: 1, BASE + timedelta(days=1): 1}
    assert dict(AppealDay.objects.filter(month=True).values_list("day", "received")) == {BASE.replace(day=1): 2}
    utc = [a.submitted_at.astimezone(UTC) for a in (late, early)]
    assert [(m.day, m.hour) for m in utc] == [(BASE.day, 15), (BASE.day, 16)]  # one UTC day
