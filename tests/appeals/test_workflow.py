from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import ScopeKind
from apps.appeals.models import AppealEvent, Status
from apps.appeals.services import (
    appeal_link_projects,
    appeal_set_publication,
    appeal_transition,
)
from apps.appeals.workflow import STATE_FIELDS, TRANSITIONS, IllegalTransition, StepState, apply_step
from tests import factories as f

pytestmark = pytest.mark.django_db

ARGS = {
    "accept": {"urgency": "urgent"},
    "reject": {"reply": "不属于本区受理范围，已告知诉求人。"},
    "assign": {"department": "handler"},
    "sign": {},
    "return": {"reason": "wrong_function"},
    "request_extension": {"until": "later", "reason": "需协调供电公司停电施工"},
    "approve_extension": {},
    "refuse_extension": {"note": "时限内可以完成"},
    "supervise": {"level": "key", "until": "later", "note": "群众反映强烈"},
    "answer_supervision": {"note": "已安排施工队，本周完成"},
    "co_sign": {},
    "co_reply": {"note": "已派人清理路面，配合主办单位施工"},
    "resolve": {"reply": "已更换楼道灯。"},
    "rate": {"rating": "basically", "solved": "yes"},
    "revisit": {"rating": "satisfied", "solved": "partly"},
    "expire": {},
    "reopen": {"note": "诉求人反映仍未修好"},
    "close_explained": {"reason": "policy", "reply": "该路段不具备设置停车位的条件。"},
    "merge": {"into": "other"},
}
# Steps that need an earlier side step first: the state, not only the status, allows them.
PREPARE = {
    "approve_extension": "request_extension",
    "refuse_extension": "request_extension",
    "answer_supervision": "supervise",
}
ALLOWED = {(status, action) for action, t in TRANSITIONS.items() for status in t.sources}
HANDLING_STEPS = {
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "supervise",
    "answer_supervision",
    "co_sign",
    "co_reply",
}
# Steps the state allows only with a co-department named at 派单.
NEEDS_CO_DEPARTMENT = {"co_sign", "co_reply"}
EXPECTED_ALLOWED = {
    ("submitted", "accept"),
    ("submitted", "reject"),
    ("submitted", "merge"),
    ("accepted", "reject"),
    ("accepted", "assign"),
    ("accepted", "supervise"),
    ("accepted", "merge"),
    ("returned", "reject"),
    ("returned", "assign"),
    ("returned", "supervise"),
    ("returned", "merge"),
    ("assigned", "sign"),
    ("assigned", "return"),
    ("assigned", "merge"),
    ("in_progress", "return"),
    ("in_progress", "resolve"),
    ("in_progress", "merge"),
    *{(status, action) for status in ("assigned", "in_progress") for action in HANDLING_STEPS},
    ("resolved", "rate"),
    ("resolved", "revisit"),
    ("resolved", "expire"),
    ("review", "reopen"),
    ("review", "close_explained"),
}
# Where each step leads (side steps keep the status; a negative answer leads to review).
TARGET = {"rate": "closed", "revisit": "closed"}


def _args(action: str, appeal, handler):
    values = {"handler": handler, "later": appeal.resolve_due + timedelta(days=1)}
    args = {k: values.get(v, v) if isinstance(v, str) else v for k, v in ARGS[action].items()}
    if args.get("into") == "other":
        args["into"] = f.appeal(area=appeal.area)
    return args


def test_the_transition_table_is_the_documented_workflow():
    assert ALLOWED == EXPECTED_ALLOWED


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED_ALLOWED))
def test_each_allowed_transition_moves_the_request_and_records_an_event(status, action):
    handler = f.department()
    co_departments = [f.department()] if action in NEEDS_CO_DEPARTMENT else []
    appeal = f.appeal_in(status, handler=handler, co_departments=co_departments)
    if action in PREPARE:
        before = PREPARE[action]
        appeal_transition(appeal=appeal, action=before, **_args(before, appeal, handler))
        appeal.refresh_from_db()
    events_before = appeal.events.count()

    moved = appeal_transition(appeal=appeal, action=action, **_args(action, appeal, handler))

    target = TRANSITIONS[action].target or status
    moved.refresh_from_db()
    assert moved.status == target
    event = moved.events.order_by("-id").first()
    assert moved.events.count() == events_before + 1
    assert (event.from_status, event.to_status, event.action) == (status, target, action)


@pytest.mark.parametrize(
    ("status", "action"),
    sorted((s, a) for s in Status.values for a in TRANSITIONS if (s, a) not in EXPECTED_ALLOWED),
)
def test_each_refused_transition_changes_nothing(status, action):
    handler = f.department()
    appeal = f.appeal_in(status, handler=handler)
    events_before = appeal.events.count()

    with pytest.raises(IllegalTransition) as refused:
        appeal_transition(appeal=appeal, action=action, **_args(action, appeal, handler))

    assert "不能执行" in refused.value.message
    assert action not in refused.value.allowed
    assert set(refused.value.allowed) == {a for s, a in ALLOWED if s == status} - set(PREPARE) - NEEDS_CO_DEPARTMENT
    appeal.refresh_from_db()
    assert appeal.status == status
    assert appeal.events.count() == events_before


def test_an_unknown_action_is_refused():
    with pytest.raises(IllegalTransition):
        appeal_transition(appeal=f.appeal(), action="teleport")


@pytest.mark.parametrize(
    ("status", "action", "missing_field"),
    [
        ("submitted", "reject", "reply"),
        ("accepted", "assign", "department"),
        ("assigned", "return", "reason"),
        ("in_progress", "resolve", "reply"),
        ("resolved", "rate", "rating"),
    ],
)
def test_steps_that_need_an_explanation_refuse_without_one(status, action, missing_field):
    appeal = f.appeal_in(status)
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=appeal, action=action)
    assert missing_field in error.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == status


def test_a_return_hands_the_request_back_and_remembers_who_returned_it():
    handler = f.department()
    appeal = f.appeal_in("assigned", handler=handler)
    returned = appeal_transition(appeal=appeal, action="return", reason="wrong_area", note="不在本单位辖区")
    assert returned.department is None
    event = returned.events.get(action="return")
    assert event.department == handler
    assert event.reason == "wrong_area"
    reassigned = appeal_transition(appeal=returned, action="assign", department=f.department())
    assert reassigned.status == Status.ASSIGNED


def test_timestamps_follow_the_workflow():
    appeal = f.appeal_in("closed")
    assert appeal.responded_at is not None
    assert appeal.resolved_at is not None
    assert appeal.closed_at is not None
    assert appeal.rating == "satisfied"
    assert appeal.public_reply == "已处理。"


def test_a_request_can_be_rated_only_once():
    appeal = f.appeal_in("closed")
    with pytest.raises(IllegalTransition):
        appeal_transition(appeal=appeal, action="rate", rating="unsatisfied")
    appeal.refresh_from_db()
    assert appeal.rating == "satisfied"


def test_an_official_outside_the_scope_cannot_move_the_request():
    own = f.subdistrict("奎山")
    other = f.subdistrict("泰山")
    appeal = f.appeal(area=f.community(parent=other))
    official = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=own)

    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="accept", by=official)
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED


def test_a_department_official_handles_only_its_own_requests():
    mine, theirs = f.department("区住房和城乡建设局"), f.department("区民政局")
    official = f.official(scope=ScopeKind.DEPARTMENT, department=mine)
    my_appeal = f.appeal_in("assigned", handler=mine)
    their_appeal = f.appeal_in("assigned", handler=theirs)

    signed = appeal_transition(appeal=my_appeal, action="sign", by=official)
    assert signed.status == Status.IN_PROGRESS
    assert AppealEvent.objects.get(appeal=my_appeal, action="sign").actor_label == "区住房和城乡建设局"
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=their_appeal, action="sign", by=official)


def test_internal_notes_stay_on_the_event_and_replies_become_public():
    appeal = f.appeal_in("in_progress")
    resolved = appeal_transition(appeal=appeal, action="resolve", reply="已修复。", note="内部：费用由物业承担")
    event = resolved.events.get(action="resolve")
    assert event.note == "内部：费用由物业承担"
    assert resolved.public_reply == "已修复。"
    assert "内部" not in resolved.public_reply


def test_a_residents_rating_comment_stays_off_the_public_reply_of_the_timeline():
    appeal = f.appeal_in("resolved")
    rated = appeal_transition(appeal=appeal, action="rate", rating="unsatisfied", comment="我家住3号楼201，还是没修好")
    assert rated.rating_comment == "我家住3号楼201，还是没修好"
    assert rated.public_reply == "已处理。"
    assert rated.events.get(action="rate").reply == ""


def test_an_official_outside_the_scope_cannot_publish_or_link_the_request():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    appeal = f.appeal(area=f.community(parent=kuishan), consent_to_publish=True)
    project = f.project(areas=[taishan])
    outsider = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=taishan)

    with pytest.raises(PermissionDenied):
        appeal_set_publication(appeal=appeal, approved=True, by=outsider)
    with pytest.raises(PermissionDenied):
        appeal_link_projects(appeal=appeal, projects=[project], by=outsider)

    appeal.refresh_from_db()
    assert appeal.publish_approved is False
    assert not appeal.projects.exists()


def test_an_official_outside_the_scope_cannot_withdraw_a_publication_or_unlink_projects():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    appeal = f.appeal(area=f.community(parent=kuishan), consent_to_publish=True)
    project = f.project(areas=[kuishan])
    appeal_set_publication(appeal=appeal, approved=True)
    appeal_link_projects(appeal=appeal, projects=[project])
    outsider = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=taishan)

    with pytest.raises(PermissionDenied):
        appeal_set_publication(appeal=appeal, approved=False, by=outsider)
    with pytest.raises(PermissionDenied):
        appeal_link_projects(appeal=appeal, projects=[], by=outsider)

    appeal.refresh_from_db()
    assert appeal.publish_approved is True
    assert list(appeal.projects.all()) == [project]


def test_a_request_cannot_be_assigned_to_a_deactivated_department():
    appeal = f.appeal_in("accepted")
    closed_down = f.department("已撤并的单位", is_active=False)
    events_before = appeal.events.count()

    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=appeal, action="assign", department=closed_down)

    assert "department" in error.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED
    assert appeal.department is None
    assert appeal.events.count() == events_before


def test_the_services_and_a_bare_state_replayed_through_apply_step_end_alike():
    """The rule has one home: what appeal_transition leaves on the row is what apply_step
    leaves on the seeder's StepState given the same steps."""
    handler = f.department()
    appeal = f.appeal_in("returned", handler=handler)
    for action, kwargs in [("assign", {"department": handler}), ("sign", {}), ("resolve", {"reply": "已修复。"})]:
        appeal = appeal_transition(appeal=appeal, action=action, **kwargs)
    appeal = appeal_transition(appeal=appeal, action="rate", rating="satisfied", comment="谢谢")
    appeal.refresh_from_db()

    state = StepState(resolve_due=appeal.resolve_due)  # as appeal_submit left it
    for event in appeal.events.order_by("at", "id")[1:]:
        apply_step(
            state,
            event.action,
            at=event.at,
            department_id=event.department_id,
            reason=event.reason,
            reply=event.reply,
            rating=event.rating,
            solved=event.solved,
            until=event.until,
            comment="谢谢",
        )
    assert {name: getattr(state, name) for name in STATE_FIELDS} == {
        name: getattr(appeal, name) for name in STATE_FIELDS
    }
    assert state.status == "closed" and state.department_id == handler.pk and state.public_reply == "已修复。"


def test_apply_step_refuses_a_step_the_state_does_not_allow():
    with pytest.raises(IllegalTransition):
        apply_step(StepState(), "resolve", at=1, reply="已处理。")
