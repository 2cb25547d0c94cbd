"""The request workflow's rules: which step follows which status, who takes it, what each step
checks, and — in one pure function, `apply_step` — what each step does to a request.

The loop is 接诉即办's: 受理 → 派单 → 签收 → 办理 → 办结 → 回访/评价, with 不予受理, 退单, 延期 (the
unit asks, the dispatcher decides), 督办 (and the unit's answer), 重办 or 解释说明 after a
不满意/未解决 answer, 未评价 when nobody answers in time, 重复件 (merged into another request), and
协办: co-departments named at 派单 each sign (协办签收) and answer (协办回复) while the lead
handles the request.

`apply_step` touches no database and reads no clock (its optional `rollups` hook, which the
services pass to keep the figures' daily counts in the step's transaction, does). Its `state`
is anything carrying a request's workflow attributes (`STATE_FIELDS`): an `Appeal` row locked by
`services.appeal_transition`, or the small `StepState` the demo seeder replays a million
requests on (with COPY text for timestamps: the function only moves values, it never computes
with them). The demo's checks in `tests/demo/` replay the stored events through it too, so
the services, the seeder and the checks share these rules instead of each keeping a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from apps.appeals.models import (
    Closure,
    ExplainedReason,
    Rating,
    ReturnReason,
    Solved,
    Status,
    SupervisionLevel,
    Urgency,
)
from apps.common.workdays import add_working_days

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
REVIEW, MERGED = Status.REVIEW.value, Status.MERGED.value
UNSATISFIED, NOT_SOLVED = Rating.UNSATISFIED.value, Solved.NO.value
RATED, UNRATED, EXPLAINED = Closure.RATED.value, Closure.UNRATED.value, Closure.EXPLAINED.value
HANDLING = (ASSIGNED, IN_PROGRESS)
NORMAL = Urgency.NORMAL.value


class IllegalTransition(Exception):
    """A workflow step that the request's current state does not allow (HTTP 409).

    `allowed` lists the steps that state does allow."""

    def __init__(self, message: str, *, appeal: Any = None, action: str = "", allowed: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.appeal = appeal
        self.action = action
        self.allowed = allowed or []


class StepRefused(PermissionDenied):
    """A step its actor may not take (HTTP 403). `str()` is the Chinese message the admin shows;
    `english` says the same for the API, which answers "中文 / English" like its other errors."""

    def __init__(self, message: str, english: str):
        super().__init__(message)
        self.english = english


class Actor(StrEnum):
    """Who takes a step: the dispatcher (district, or the request's 街道), the handling unit,
    the resident, or the system itself (closing unrated requests). A co-department (协办) takes
    only its own 协办签收 and 协办回复."""

    DISPATCHER = "dispatcher"
    UNIT = "unit"
    CO_UNIT = "co_unit"
    RESIDENT = "resident"
    SYSTEM = "system"


@dataclass(frozen=True)
class StepInput:
    """What an actor hands a step: the admin's forms, the API and Open311 all fill these in."""

    note: str = ""
    reply: str = ""
    department: Any = None  # a places.Department, for assign
    co_departments: tuple = ()  # places.Departments, for assign: the 协办单位 beside the lead
    reason: str = ""
    rating: str = ""
    solved: str = ""
    comment: str = ""
    urgency: str = ""
    category: Any = None  # a categories.ProblemCategory, for accept
    until: datetime | None = None  # a deadline the step sets: 延期至, 督办答复期限, 重办期限
    into: Any = None  # the main Appeal, for merge
    at: datetime | None = None


# --- per-step checks of the arguments (ValidationError → 400) -----------------------------------


def _needs_department(state: Any, step: StepInput) -> None:
    if step.department is None:
        raise ValidationError({"department": "派单时请选择承办单位。"})
    if not step.department.is_active:
        raise ValidationError({"department": "该单位已停用，请选择其他承办单位。"})
    co_departments = step.co_departments or ()
    if any(co.pk == step.department.pk for co in co_departments):
        raise ValidationError({"co_departments": "主办单位不能同时是协办单位。"})
    if inactive := [co.name for co in co_departments if not co.is_active]:
        raise ValidationError({"co_departments": f"协办单位“{'”“'.join(inactive)}”已停用。"})
    if len({co.pk for co in co_departments}) != len(co_departments):
        raise ValidationError({"co_departments": "协办单位重复。"})


def _needs_reject_reply(state: Any, step: StepInput) -> None:
    if not step.reply:
        raise ValidationError({"reply": "不予受理时须向诉求人说明理由。"})


def _accept(state: Any, step: StepInput) -> None:
    if step.urgency and step.urgency not in Urgency.values:
        raise ValidationError({"urgency": "紧急程度只能是普通或紧急。"})
    if step.category is not None and not step.category.is_active:
        raise ValidationError({"category": "该问题分类已停用，请选择其他分类。"})


def _needs_return_reason(state: Any, step: StepInput) -> None:
    if step.reason not in ReturnReason.values:
        raise ValidationError({"reason": "退单时请选择原因：属地不符或职能不符。"})


def _needs_resolve_reply(state: Any, step: StepInput) -> None:
    if not step.reply:
        raise ValidationError({"reply": "办结时须填写答复内容。"})


def _rate(state: Any, step: StepInput) -> None:
    if step.rating not in Rating.values:
        raise ValidationError({"rating": "请选择满意、基本满意或不满意。"})
    if step.solved and step.solved not in Solved.values:
        raise ValidationError({"solved": "请选择已解决、部分解决或未解决。"})


def _revisit(state: Any, step: StepInput) -> None:
    if step.solved not in Solved.values:
        raise ValidationError({"solved": "回访时请记录诉求人是否认为已解决。"})
    _rate(state, step)


def _reopen(state: Any, step: StepInput) -> None:
    if step.until is not None and step.at is not None and step.until <= step.at:
        raise ValidationError({"until": "重办期限须晚于现在。"})


def _close_explained(state: Any, step: StepInput) -> None:
    if step.reason not in ExplainedReason.values:
        raise ValidationError({"reason": "请选择解释说明的理由。"})
    if not step.reply:
        raise ValidationError({"reply": "请填写向诉求人公开的解释说明。"})


def _merge(state: Any, step: StepInput) -> None:
    into = step.into
    if into is None:
        raise ValidationError({"into": "请填写要并入的诉求受理编号。"})
    if into.pk == getattr(state, "pk", None):
        raise ValidationError({"into": "不能并入诉求本身。"})
    if into.status == MERGED:
        raise ValidationError({"into": "该诉求本身是重复件，请并入它所并入的诉求。"})


def _supervise(state: Any, step: StepInput) -> None:
    if step.reason not in SupervisionLevel.values:
        raise ValidationError({"level": "请选择一般督办或重点督办。"})
    if step.until is None:
        raise ValidationError({"answer_by": "请填写承办单位须答复的日期。"})
    if step.at is not None and step.until <= step.at:
        raise ValidationError({"answer_by": "督办答复期限须晚于现在。"})


def _needs_note(state: Any, step: StepInput) -> None:
    if not step.note:
        raise ValidationError({"note": "请填写说明。"})


def _request_extension(state: Any, step: StepInput) -> None:
    if not step.reason:
        raise ValidationError({"reason": "申请延期须说明原因。"})
    if step.until is None or step.until <= state.resolve_due:
        raise ValidationError({"until": "延期后的办结时限须晚于当前时限。"})
    latest = add_working_days(state.resolve_due, settings.APPEAL_EXTENSION_MAX_WORKING_DAYS)
    if step.until > latest:
        raise ValidationError(
            {"until": f"最多延期 {settings.APPEAL_EXTENSION_MAX_WORKING_DAYS} 个工作日（至 {latest:%Y-%m-%d}）。"}
        )


def _nothing_to_check(state: Any, step: StepInput) -> None:
    return None


# --- what a state allows beyond its status (refused as 409 like a wrong status) -----------------


def _can_reopen(state: Any) -> bool:
    return state.reopen_count < settings.APPEAL_MAX_REOPENS


def _supervision_open(state: Any) -> bool:
    return bool(state.supervision) and state.supervision_answered_at is None


def _can_ask_extension(state: Any) -> bool:
    return state.extension_until is None and state.extensions < settings.APPEAL_MAX_EXTENSIONS


def _extension_pending(state: Any) -> bool:
    return state.extension_until is not None


def _co_reply_pending(state: Any) -> bool:
    return state.co_pending > 0


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (延期, 督办); rate/revisit may end in REVIEW instead
    actor: Actor
    validate: Callable[[Any, StepInput], None] = _nothing_to_check
    allows: Callable[[Any], bool] | None = None  # what the state needs beyond its status

    def allowed_for(self, state: Any) -> bool:
        return state.status in self.sources and (self.allows is None or self.allows(state))


D, U, CO = Actor.DISPATCHER, Actor.UNIT, Actor.CO_UNIT
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", "受理", (SUBMITTED,), ACCEPTED, D, _accept),
        Transition("reject", "不予受理", (SUBMITTED, ACCEPTED, RETURNED), REJECTED, D, _needs_reject_reply),
        Transition("assign", "派单", (ACCEPTED, RETURNED), ASSIGNED, D, _needs_department),
        Transition("sign", "签收", (ASSIGNED,), IN_PROGRESS, U),
        Transition("return", "退单", HANDLING, RETURNED, U, _needs_return_reason),
        Transition("request_extension", "申请延期", HANDLING, None, U, _request_extension, _can_ask_extension),
        Transition("approve_extension", "批准延期", HANDLING, None, D, allows=_extension_pending),
        Transition("refuse_extension", "不批准延期", HANDLING, None, D, _needs_note, _extension_pending),
        Transition("supervise", "督办", (ACCEPTED, *HANDLING, RETURNED), None, D, _supervise),
        Transition("answer_supervision", "督办回复", HANDLING, None, U, _needs_note, _supervision_open),
        Transition("co_sign", "协办签收", HANDLING, None, CO, allows=_co_reply_pending),
        Transition("co_reply", "协办回复", HANDLING, None, CO, _needs_note, _co_reply_pending),
        Transition("resolve", "办结", (IN_PROGRESS,), RESOLVED, U, _needs_resolve_reply),
        Transition("rate", "评价", (RESOLVED,), CLOSED, Actor.RESIDENT, _rate),
        Transition("revisit", "回访", (RESOLVED,), CLOSED, D, _revisit),
        Transition("expire", "未评价关闭", (RESOLVED,), CLOSED, Actor.SYSTEM),
        Transition("reopen", "重办", (REVIEW,), ASSIGNED, D, _reopen, _can_reopen),
        Transition("close_explained", "解释说明后关闭", (REVIEW,), CLOSED, D, _close_explained),
        Transition("merge", "合并重复件", (SUBMITTED, ACCEPTED, RETURNED, *HANDLING), MERGED, D, _merge),
    )
}

# The attributes apply_step reads and writes on its state.
STATE_FIELDS = (
    "status",
    "urgency",
    "category_id",
    "department_id",
    "resolve_due",
    "responded_at",
    "resolved_at",
    "closed_at",
    "public_reply",
    "rating",
    "rating_comment",
    "rated_at",
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
)


class StepState:
    """A request's workflow attributes without a model: what the demo seeder replays on."""

    __slots__ = STATE_FIELDS

    def __init__(self, status: str = SUBMITTED, *, urgency: str = NORMAL, resolve_due: Any = None):
        self.status = status
        self.urgency = urgency
        self.resolve_due = resolve_due
        self.department_id = self.merged_into_id = self.category_id = None
        self.responded_at = self.resolved_at = self.closed_at = self.rated_at = None
        self.extension_until = self.supervision_due = self.supervision_answered_at = None
        self.public_reply = self.rating = self.rating_comment = self.solved = self.closure = ""
        self.extension_reason = self.supervision = ""
        self.reopen_count = self.extensions = self.co_pending = 0


class Event(NamedTuple):
    """What a step leaves in the request's timeline (AppealEvent's columns, less who acted)."""

    action: str
    from_status: str
    to_status: str
    department_id: Any
    reason: str
    note: str
    reply: str
    until: Any
    rating: str
    solved: str
    at: Any
    category_id: Any = None  # the problem class confirmed at 受理
    comment: str = ""  # the resident's words at 评价 or 回访, kept when 重办 clears the request's


def merged_reply(tracking_no: str) -> str:
    """What the resident of a merged duplicate is told."""
    return f"您反映的问题与诉求 {tracking_no} 相同，已合并办理，请以该编号查询办理进展。"


def allowed_actions(state: Any) -> list[str]:
    """The steps a request in this state may take next, in the table's order."""
    return [t.action for t in TRANSITIONS.values() if t.allowed_for(state)]


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
    solved: str = "",
    comment: str = "",
    urgency: str = "",
    category_id: Any = None,
    until: Any = None,
    merged_into_id: Any = None,
    co_pending: int = 0,
    rollups: Any = None,
) -> Event:
    """Apply one workflow step's effects to `state` and return the event it leaves.

    Refuses (IllegalTransition) a step the state does not allow; the step's own arguments are
    checked beforehand by `Transition.validate` (the seeder's are right by construction).
    Values are stored as given: datetimes in the services, COPY text in the seeder. At accept,
    `category_id` (when given) sets the problem class the dispatcher confirmed. `until` is
    the deadline the step sets (accept: the resolve deadline of a changed urgency; reopen: the
    new resolve deadline; request_extension: the date asked for; supervise: the answer date).
    `co_pending`: how many co-departments owe a 协办回复 after an assign; a co_sign's or
    co_reply's `department_id` is the co-department that signs or answers (which of them may
    sign is the services' question: the state counts replies owed, not signatures).

    `rollups` (apps.appeals.rollups.StepRollups, for a stored request) sees the state before
    and after the step and writes the figures' daily counts in the step's transaction; the demo
    seeder passes none and rebuilds the rollups once it has loaded everything.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"未知的操作：{action}", action=action)
    from_status = state.status
    if from_status not in transition.sources or (transition.allows is not None and not transition.allows(state)):
        raise IllegalTransition(
            f"当前状态为“{from_status}”，不能执行“{transition.label}”。",
            action=action,
            allowed=allowed_actions(state),
        )
    if rollups is not None:
        rollups.before(state)
    target = transition.target or from_status
    # The unit that acted: its steps (sign, resolve...) need no branch of their own below.
    event_department = state.department_id if transition.actor is U else None
    event_comment = ""
    if action == "sign" or action == "resolve":
        pass
    elif action == "accept":
        if urgency:
            state.urgency = reason = urgency  # the event records what the official confirmed
        if until is not None:
            state.resolve_due = until
        if category_id is not None:
            state.category_id = category_id
    elif action == "assign":
        state.department_id = event_department = department_id
        state.co_pending = co_pending
    elif action == "co_sign":
        event_department = department_id
    elif action == "co_reply":
        state.co_pending -= 1
        event_department = department_id
    elif action == "return":
        state.department_id = None
        state.co_pending = 0
        state.extension_until, state.extension_reason = None, ""
    elif action in ("rate", "revisit"):
        event_comment = comment[:500]
        state.rating, state.solved, state.rating_comment, state.rated_at = rating, solved, event_comment, at
        if rating == UNSATISFIED or solved == NOT_SOLVED:
            target = REVIEW  # back to the dispatcher: 重办 or 解释说明
        else:
            state.closure = RATED
        reply = ""  # a rating comment stays on the request, never a public reply
    elif action == "expire":
        state.closure = UNRATED
    elif action == "reopen":
        state.reopen_count += 1
        state.resolve_due = until
        state.rating = state.solved = state.rating_comment = ""
        state.rated_at = state.resolved_at = None
        event_department = state.department_id
    elif action == "close_explained":
        state.closure = EXPLAINED
    elif action == "merge":
        state.merged_into_id = merged_into_id
        state.co_pending = 0
        state.extension_until, state.extension_reason = None, ""
    elif action == "supervise":
        state.supervision, state.supervision_due, state.supervision_answered_at = reason, until, None
        event_department = state.department_id  # the unit supervised: 督办 counts against it
    elif action == "answer_supervision":
        state.supervision_answered_at = at
    elif action == "request_extension":
        state.extension_until, state.extension_reason = until, reason
    elif action == "approve_extension":
        until, reason = state.extension_until, state.extension_reason
        state.resolve_due, state.extensions = until, state.extensions + 1
        state.extension_until, state.extension_reason = None, ""
        event_department = state.department_id
    elif action == "refuse_extension":
        state.extension_until, state.extension_reason = None, ""
        event_department = state.department_id
    state.status = target
    if from_status == SUBMITTED and state.responded_at is None:
        state.responded_at = at
    if target == RESOLVED:
        state.resolved_at = at
    elif target in (CLOSED, REJECTED, MERGED):
        state.closed_at = at
    if reply:
        state.public_reply = reply
    event_category = state.category_id if action == "accept" else None
    event = Event(
        action,
        from_status,
        target,
        event_department,
        reason,
        note,
        reply,
        until,
        rating,
        solved,
        at,
        event_category,
        event_comment,
    )
    if rollups is not None:
        rollups.after(state, event)
    return event
