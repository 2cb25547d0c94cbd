"""The 12345 closed loop in the state machine: who may take each step, 代办, urgency, 延期, 督办,
回访, 未评价, 重办, 解释说明 and 重复件, with each refusal."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.appeals.models import Status
from apps.appeals.services import appeal_submit, appeal_transition
from apps.appeals.workflow import IllegalTransition
from apps.common.workdays import add_working_days
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas():
    return f.department("华润燃气")


@pytest.fixture
def kuishan():
    return f.subdistrict("奎山街道")


def test_a_subdistrict_official_cannot_take_a_units_step(gas, kuishan):
    appeal = f.appeal_in("assigned", handler=gas, area=f.community(parent=kuishan))
    official = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan)
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="sign", by=official)
    with pytest.raises(PermissionDenied):  # not even with a reason: only the district acts for a unit
        appeal_transition(appeal=appeal, action="sign", by=official, proxy_reason="帮忙签收")
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_another_unit_cannot_take_the_units_step(gas):
    appeal = f.appeal_in("in_progress", handler=gas)
    other = f.official(scope=ScopeKind.DEPARTMENT, department=f.department("区民政局"))
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="resolve", reply="已处理。", by=other)


def test_a_unit_cannot_take_the_dispatchers_steps(gas):
    appeal = f.appeal_in("review", handler=gas)
    unit = f.official(scope=ScopeKind.DEPARTMENT, department=gas)
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="reopen", by=unit)


def test_a_district_official_acts_for_a_unit_only_as_proxy_with_a_reason(gas):
    appeal = f.appeal_in("assigned", handler=gas)
    district = f.official("district")
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="sign", by=district)
    appeal_transition(appeal=appeal, action="sign", by=district, proxy_reason="燃气公司系统故障，电话委托")
    event = appeal.events.get(action="sign")
    assert (event.proxy_reason, event.department, event.actor) == ("燃气公司系统故障，电话委托", gas, district)


def test_the_unit_signs_for_itself_and_no_proxy_is_recorded(gas):
    appeal = f.appeal_in("assigned", handler=gas)
    unit = f.official(scope=ScopeKind.DEPARTMENT, department=gas)
    appeal_transition(appeal=appeal, action="sign", by=unit, proxy_reason="无关")
    assert appeal.events.get(action="sign").proxy_reason == ""


def test_a_hazard_word_suggests_urgent_with_its_own_deadlines(settings):
    area = f.community()
    urgent = appeal_submit(
        kind="complaint", area=area, title="楼下有燃气味", content="很浓", submitter_phone="13800000000"
    )
    normal = appeal_submit(kind="complaint", area=area, title="长椅坏了", content="请修", submitter_phone="13800000000")
    assert (urgent.urgency, normal.urgency) == ("urgent", "normal")
    assert urgent.response_due - urgent.submitted_at == timedelta(hours=settings.APPEAL_URGENT_RESPONSE_HOURS)
    assert urgent.resolve_due == add_working_days(urgent.submitted_at, 1)
    assert normal.resolve_due == add_working_days(normal.submitted_at, 15)
    # The official confirms at 受理: downgrading gives back the type's deadline.
    appeal_transition(appeal=urgent, action="accept", urgency="normal")
    urgent.refresh_from_db()
    assert urgent.resolve_due == add_working_days(urgent.submitted_at, 15)


def test_an_extension_is_limited_in_length_and_number(settings, gas):
    settings.APPEAL_MAX_EXTENSIONS = 1
    appeal = f.appeal_in("in_progress", handler=gas)
    too_far = add_working_days(appeal.resolve_due, settings.APPEAL_EXTENSION_MAX_WORKING_DAYS + 1)
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=appeal, action="request_extension", until=too_far, reason="材料未到")
    assert "until" in error.value.message_dict
    with pytest.raises(ValidationError):
        appeal_transition(appeal=appeal, action="request_extension", until=appeal.resolve_due, reason="材料未到")
    with pytest.raises(IllegalTransition) as refused:  # nothing asked yet
        appeal_transition(appeal=appeal, action="approve_extension")
    assert "request_extension" in refused.value.allowed

    until = appeal.resolve_due + timedelta(days=2)
    appeal_transition(appeal=appeal, action="request_extension", until=until, reason="材料未到")
    with pytest.raises(IllegalTransition):  # one pending request at a time
        appeal_transition(appeal=appeal, action="request_extension", until=until, reason="再延")
    with pytest.raises(ValidationError):  # a refusal says why
        appeal_transition(appeal=appeal, action="refuse_extension")
    appeal_transition(appeal=appeal, action="approve_extension")
    appeal.refresh_from_db()
    assert (appeal.resolve_due, appeal.extensions) == (until, 1)
    with pytest.raises(IllegalTransition):  # at most one approved extension
        appeal_transition(appeal=appeal, action="request_extension", until=until + timedelta(days=1), reason="再延")


def test_a_refused_extension_keeps_the_deadline(gas):
    appeal = f.appeal_in("assigned", handler=gas)
    due = appeal.resolve_due
    appeal_transition(appeal=appeal, action="request_extension", until=due + timedelta(days=1), reason="人手不足")
    appeal_transition(appeal=appeal, action="refuse_extension", note="时限内可以完成")
    appeal.refresh_from_db()
    assert (appeal.resolve_due, appeal.extension_until, appeal.extensions) == (due, None, 0)


def test_supervision_needs_a_level_and_a_future_date_and_is_answered_once(gas):
    appeal = f.appeal_in("in_progress", handler=gas)
    with pytest.raises(IllegalTransition):
        appeal_transition(appeal=appeal, action="answer_supervision", note="已处理")
    with pytest.raises(ValidationError):
        appeal_transition(appeal=appeal, action="supervise", level="urgent", until=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        appeal_transition(appeal=appeal, action="supervise", level="key", until=timezone.now() - timedelta(days=1))
    appeal_transition(appeal=appeal, action="supervise", level="key", until=timezone.now() + timedelta(days=2))
    appeal_transition(appeal=appeal, action="answer_supervision", note="已安排维修")
    with pytest.raises(IllegalTransition):
        appeal_transition(appeal=appeal, action="answer_supervision", note="再答一次")


@pytest.mark.parametrize(
    ("solved", "rating", "status"),
    [
        ("yes", "satisfied", "closed"),
        ("partly", "basically", "closed"),
        ("no", "basically", "review"),
        ("yes", "unsatisfied", "review"),
    ],
)
def test_the_two_answers_close_the_request_or_send_it_back_to_the_dispatcher(solved, rating, status):
    appeal = appeal_transition(appeal=f.appeal_in("resolved"), action="rate", solved=solved, rating=rating)
    assert appeal.status == status
    assert appeal.closure == ("rated" if status == "closed" else "")


def test_a_revisit_needs_both_answers():
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=f.appeal_in("resolved"), action="revisit", rating="satisfied")
    assert "solved" in error.value.message_dict


def test_unrated_requests_close_as_unrated_after_the_set_days(settings):
    settings.APPEAL_RATING_DAYS = 7
    old = f.appeal_in("resolved")
    recent = f.appeal_in("resolved")
    type(old).objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("close_unrated_appeals", stdout=out)
    assert "1 件" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.closure, old.rating) == (Status.CLOSED, "unrated", "")
    assert old.events.get(action="expire").actor_label == "系统"
    assert recent.status == Status.RESOLVED


def test_an_official_cannot_close_a_request_as_unrated_by_hand():
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=f.appeal_in("resolved"), action="expire", by=f.official("district"))


def test_reopen_goes_back_to_the_unit_with_a_new_deadline_at_most_n_times(settings, gas):
    settings.APPEAL_MAX_REOPENS = 1
    appeal = f.appeal_in("review", handler=gas)
    appeal_transition(appeal=appeal, action="reopen", reply="已要求重新办理。")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.department, appeal.reopen_count) == (Status.ASSIGNED, gas, 1)
    assert appeal.resolve_due > timezone.now()
    for action, kwargs in [("sign", {}), ("resolve", {"reply": "已再次维修。"}), ("rate", {"rating": "unsatisfied"})]:
        appeal_transition(appeal=appeal, action=action, **kwargs)
    with pytest.raises(IllegalTransition) as refused:
        appeal_transition(appeal=appeal, action="reopen")
    assert refused.value.allowed == ["close_explained"]
    with pytest.raises(ValidationError):
        appeal_transition(appeal=appeal, action="close_explained", reason="policy")  # the reply is public and needed
    closed = appeal_transition(appeal=appeal, action="close_explained", reason="policy", reply="政策不允许。")
    assert (closed.status, closed.closure, closed.public_reply) == (Status.CLOSED, "explained", "政策不允许。")


def test_a_request_is_not_merged_into_itself_or_into_a_duplicate():
    main, duplicate, third = f.appeal(), f.appeal(), f.appeal()
    with pytest.raises(ValidationError):
        appeal_transition(appeal=main, action="merge", into=main)
    appeal_transition(appeal=duplicate, action="merge", into=main)
    with pytest.raises(ValidationError):
        appeal_transition(appeal=third, action="merge", into=duplicate)
    with pytest.raises(IllegalTransition):
        appeal_transition(appeal=duplicate, action="accept")


def test_every_answers_comment_stays_on_its_event_after_reopen(gas):
    appeal = f.appeal_in("resolved", handler=gas)
    appeal_transition(appeal=appeal, action="rate", rating="unsatisfied", comment="灯还是不亮")
    appeal_transition(appeal=appeal, action="reopen")
    appeal_transition(appeal=appeal, action="sign")
    appeal_transition(appeal=appeal, action="resolve", reply="已更换灯具。")
    revisit = dict(solved="partly", rating="unsatisfied", comment="回访：只修好了一层")
    appeal = appeal_transition(appeal=appeal, action="revisit", **revisit)
    appeal_transition(appeal=appeal, action="reopen")
    appeal.refresh_from_db()
    assert appeal.rating_comment == ""  # the request waits for a new answer...
    answers = appeal.events.filter(action__in=("rate", "revisit")).order_by("at", "id")
    # ...and the history keeps both.
    assert [(e.action, e.comment) for e in answers] == [("rate", "灯还是不亮"), ("revisit", "回访：只修好了一层")]
