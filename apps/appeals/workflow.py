"""The request workflow's rules: which step follows which status, who takes it, what each step
checks, and — in one pure function, `apply_step` — what each step does to a request.

`apply_step` touches no database and reads no clock. Its `state` is anything carrying a
request's workflow attributes (`STATE_FIELDS`): an `Appeal` row locked by
`services.appeal_transition`, or the small `StepState` the demo seeder replays a million
requests on (with COPY text for timestamps: the function only moves values, it never computes
with them). The demo's checks in `tests/demo/` replay the stored events through it too, so
the services, the seeder and the checks share these rules instead of each keeping a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError

from apps.appeals.models import Rating, ReturnReason, Status

# Plain strings: the demo seeder calls apply_step millions of times, and an enum member costs
# an attribute lookup and a slower comparison each time.
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


class IllegalTransition(Exception):
    """A workflow step that the request's current status does not allow (HTTP 409)."""

    def __init__(self, message: str, *, appeal: Any = None, action: str = ""):
        super().__init__(message)
        self.message = message
        self.appeal = appeal
        self.action = action


class Actor(StrEnum):
    """Who takes a step: the dispatcher (district, or the request's 街道), the handling unit,
    or the resident."""

    DISPATCHER = "dispatcher"
    UNIT = "unit"
    RESIDENT = "resident"


@dataclass(frozen=True)
class StepInput:
    """What an actor hands a step: the admin's forms, the API and Open311 all fill these in."""

    note: str = ""
    reply: str = ""
    department: Any = None  # a places.Department for assign
    reason: str = ""
    rating: str = ""
    comment: str = ""


def _needs_department(step: StepInput) -> None:
    if step.department is None:
        raise ValidationError({"department": "派单时请选择承办单位。"})
    if not step.department.is_active:
        raise ValidationError({"department": "该单位已停用，请选择其他承办单位。"})


def _needs_reject_reply(step: StepInput) -> None:
    if not step.reply:
        raise ValidationError({"reply": "不予受理时须向诉求人说明理由。"})


def _needs_return_reason(step: StepInput) -> None:
    if step.reason not in ReturnReason.values:
        raise ValidationError({"reason": "退单时请选择原因：属地不符或职能不符。"})


def _needs_resolve_reply(step: StepInput) -> None:
    if not step.reply:
        raise ValidationError({"reply": "办结时须填写答复内容。"})


def _needs_rating(step: StepInput) -> None:
    if step.rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})


def _nothing_to_check(step: StepInput) -> None:
    return None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    actor: Actor
    validate: Callable[[StepInput], None] = _nothing_to_check


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", "受理", (SUBMITTED,), ACCEPTED, Actor.DISPATCHER),
        Transition(
            "reject", "不予受理", (SUBMITTED, ACCEPTED, RETURNED), REJECTED, Actor.DISPATCHER, _needs_reject_reply
        ),
        Transition("assign", "派单", (ACCEPTED, RETURNED), ASSIGNED, Actor.DISPATCHER, _needs_department),
        Transition("sign", "签收", (ASSIGNED,), IN_PROGRESS, Actor.UNIT),
        Transition("return", "退单", (ASSIGNED, IN_PROGRESS), RETURNED, Actor.UNIT, _needs_return_reason),
        Transition("resolve", "办结", (IN_PROGRESS,), RESOLVED, Actor.UNIT, _needs_resolve_reply),
        Transition("rate", "评价", (RESOLVED,), CLOSED, Actor.RESIDENT, _needs_rating),
    )
}

# The attributes apply_step reads and writes on its state.
STATE_FIELDS = (
    "status",
    "department_id",
    "responded_at",
    "resolved_at",
    "closed_at",
    "public_reply",
    "rating",
    "rating_comment",
    "rated_at",
)


class StepState:
    """A request's workflow attributes without a model: what the demo seeder replays on."""

    __slots__ = STATE_FIELDS

    def __init__(self, status: str = SUBMITTED, **values: Any):
        self.status = status
        self.department_id = self.responded_at = self.resolved_at = self.closed_at = self.rated_at = None
        self.public_reply = self.rating = self.rating_comment = ""
        for name, value in values.items():
            setattr(self, name, value)


class Event(NamedTuple):
    """What a step leaves in the request's timeline (AppealEvent's columns, less who acted)."""

    action: str
    from_status: str
    to_status: str
    department_id: Any
    reason: str
    note: str
    reply: str
    at: Any


def apply_step(
    state: Any,
    action: str,
    *,
    at: Any,
    department_id: Any = None,
    reason: str = "",
    note: str = "",
    reply: str = "",
    rating: str = "",
    comment: str = "",
) -> Event:
    """Apply one workflow step's effects to `state` and return the event it leaves.

    Refuses (IllegalTransition) a step the state's status does not allow; the step's own
    arguments are checked beforehand by `Transition.validate` (the seeder's are right by
    construction). `at` is stored as given: a datetime in the services, COPY text in the seeder.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"未知的操作：{action}", action=action)
    from_status = state.status
    if from_status not in transition.sources:
        raise IllegalTransition(f"当前状态为“{from_status}”，不能执行“{transition.label}”。", action=action)
    target = transition.target
    event_department = None
    if action == "assign":
        state.department_id = event_department = department_id
    elif action == "return":
        event_department, state.department_id = state.department_id, None
    elif action == "rate":
        state.rating, state.rating_comment, state.rated_at = rating, comment[:500], at
        reply = ""  # a rating comment stays on the request, never a public reply
    state.status = target
    if from_status == SUBMITTED and state.responded_at is None:
        state.responded_at = at
    if target == RESOLVED:
        state.resolved_at = at
    elif target in (CLOSED, REJECTED):
        state.closed_at = at
    if reply:
        state.public_reply = reply
    return Event(action, from_status, target, event_department, reason, note, reply, at)
