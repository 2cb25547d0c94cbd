"""The request workflow 受理→派单→签收→办理→办结→回访→评价 as an explicit state machine.

Every status change goes through `appeal_transition` (the named helpers below only fill in its
arguments): the admin, the public site, the REST API and Open311 all call it, so the rules,
the event log and the row lock live in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.scoping import Scope, ScopeKind, scope_of
from apps.appeals.models import (
    Appeal,
    AppealCoAssignment,
    AppealEvent,
    AppealKind,
    AppealPhoto,
    Channel,
    Status,
    TrackingCounter,
    Urgency,
    new_tracking_nonce,
)
from apps.appeals.rollups import RollupSnapshot, StepRollups, rollups_record
from apps.appeals.tracking import format_tracking_no
from apps.appeals.workflow import (
    TRANSITIONS,
    Actor,
    IllegalTransition,
    StepInput,
    StepRefused,
    allowed_actions,
    apply_step,
    merged_reply,
)
from apps.audit.models import Action as AuditAction
from apps.audit.services import audit_record
from apps.categories.models import ProblemCategory
from apps.common.cache import REQUESTS, invalidate
from apps.common.images import strip_exif
from apps.common.privacy import hide_numbers, public_text
from apps.common.workdays import add_working_days
from apps.notifications.officials import officials_notify_coassigned, officials_notify_step
from apps.notifications.residents import resident_notify
from apps.notifications.services import messages_forget_recipients
from apps.places.models import Area, AreaLevel, Department, DepartmentKind
from apps.places.selectors import subdistrict_label
from apps.programmes.models import Programme
from apps.projects.models import Project
from apps.webhooks.services import webhooks_emit

MAX_PHOTOS = 3
# A time received elsewhere (the 12345 platform's clock) may run a little ahead of ours.
SUBMITTED_AT_CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_SUBMISSION_YEAR = 2000


def resolve_working_days(*, kind: str, urgency: str = Urgency.NORMAL) -> int:
    if urgency == Urgency.URGENT:
        return settings.APPEAL_URGENT_RESOLVE_WORKING_DAYS
    return settings.APPEAL_RESOLVE_WORKING_DAYS[kind]


def deadlines_for(*, kind: str, submitted_at: datetime, urgency: str = Urgency.NORMAL) -> tuple[datetime, datetime]:
    hours = settings.APPEAL_URGENT_RESPONSE_HOURS if urgency == Urgency.URGENT else settings.APPEAL_RESPONSE_HOURS
    response_due = submitted_at + timedelta(hours=hours)
    resolve_due = add_working_days(submitted_at, resolve_working_days(kind=kind, urgency=urgency))
    return response_due, resolve_due


@lru_cache(maxsize=4)
def _hazard_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(word) for word in words) or "(?!)")


def suggested_urgency(*texts: str) -> str:
    """紧急 when the text names a safety hazard (settings.APPEAL_HAZARD_WORDS); an official
    confirms or changes it at 受理."""
    pattern = _hazard_pattern(tuple(settings.APPEAL_HAZARD_WORDS))
    return Urgency.URGENT if any(pattern.search(text) for text in texts) else Urgency.NORMAL


def _next_tracking_no(year: int) -> str:
    TrackingCounter.objects.get_or_create(year=year)
    counter = TrackingCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_tracking_no(year, counter.last)


def _check_area(area: Area, subdistrict: Area | None) -> Area:
    if area.level < AreaLevel.SUBDISTRICT:
        raise ValidationError({"area": "请选择街道或社区。"})
    own = area.subdistrict or area.derive_subdistrict()
    if subdistrict is not None and own.pk != subdistrict.pk:
        raise ValidationError({"area": f"所选社区“{area.name}”不属于{subdistrict.name}。"})
    return own


@transaction.atomic
def appeal_submit(
    *,
    kind: str,
    area: Area,
    title: str,
    content: str,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_contact: str = "",
    consent_to_publish: bool = False,
    notify_sms: bool = False,
    notify_email: str = "",
    programme: Programme | None = None,
    category: ProblemCategory | None = None,
    location_text: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: Iterable = (),
    channel: str = Channel.WEB,
    external_id: str | None = None,
    subdistrict: Area | None = None,
    submitted_at: datetime | None = None,
    by=None,
    actor_label: str = "诉求人",
    projects: Iterable[Project] = (),
) -> Appeal:
    """Register a new request, give it a tracking number and its deadlines; `projects`: the
    projects it is about (a resident who scanned a site notice board's QR code); `category`:
    the problem class the resident or the registering official picked, if any (confirmed at 受理)."""
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": f"最多上传 {MAX_PHOTOS} 张照片。"})
    if kind not in AppealKind.values:
        raise ValidationError({"kind": "请选择诉求类型。"})
    if category is not None and not category.is_active:
        raise ValidationError({"category": "该问题分类已停用，请选择其他分类。"})
    own_subdistrict = _check_area(area, subdistrict)
    submitted_at = _check_submitted_at(submitted_at) if submitted_at is not None else timezone.now()
    urgency = suggested_urgency(title or "", content or "")
    response_due, resolve_due = deadlines_for(kind=kind, submitted_at=submitted_at, urgency=urgency)
    appeal = Appeal(
        channel=channel,
        external_id=external_id or None,
        kind=kind,
        programme=programme,
        category=category,
        area=area,
        subdistrict=own_subdistrict,
        location_text=(location_text or "").strip(),
        latitude=latitude,
        longitude=longitude,
        title=(title or "").strip(),
        content=(content or "").strip(),
        submitter_name=(submitter_name or "").strip(),
        submitter_phone=(submitter_phone or "").strip(),
        submitter_contact=(submitter_contact or "").strip(),
        consent_to_publish=consent_to_publish,
        notify_sms=notify_sms,
        notify_email=(notify_email or "").strip(),
        submitted_at=submitted_at,
        urgency=urgency,
        response_due=response_due,
        resolve_due=resolve_due,
        tracking_no="pending",
    )
    appeal.full_clean(exclude=["tracking_no", "subdistrict", "projects"])
    cleaned_photos = [strip_exif(upload) for upload in photos]
    appeal.tracking_no = _next_tracking_no(timezone.localtime(submitted_at).year)
    appeal.save()
    if projects := list(projects):
        appeal.projects.set(projects)
    for image in cleaned_photos:
        AppealPhoto.objects.create(appeal=appeal, image=image)
    AppealEvent.objects.create(
        appeal=appeal,
        action="submit",
        from_status="",
        to_status=Status.SUBMITTED,
        actor=by,
        actor_label=actor_label or Channel(channel).label,
        at=submitted_at,
    )
    rollups_record(after=appeal)
    resident_notify(appeal=appeal, action="submit")
    webhooks_emit("request.created", object_id=appeal.pk)
    return appeal


def appeal_submit_idempotent(*, channel: str, external_id: str, **fields) -> tuple[Appeal, bool]:
    """Create a request pushed by another system once per (channel, external_id).

    Returns (appeal, created). A second push of the same id returns the first request.
    """
    if not external_id:
        raise ValidationError({"external_id": "缺少外部系统编号。"})
    existing = Appeal.objects.filter(channel=channel, external_id=external_id).first()
    if existing:
        return existing, False
    try:
        return appeal_submit(channel=channel, external_id=external_id, **fields), True
    except IntegrityError:
        # A concurrent push of the same id won the race: answer with its request.
        return Appeal.objects.get(channel=channel, external_id=external_id), False


def _check_actor_scope(appeal: Appeal, by, scope: Scope | None = None) -> None:
    """Refuse an official (`by`) or an API key (its `scope`) outside the request's scope."""
    for allowed in (scope_of(by) if by is not None else None, scope):
        if allowed is not None and not Appeal.objects.filter(allowed.appeal_q(), pk=appeal.pk).exists():
            raise StepRefused("您无权办理该诉求。", "This request is outside your scope.")


def _check_submitted_at(submitted_at: datetime) -> datetime:
    """A time received given by another channel: never in the future, never before the system's time."""
    if submitted_at > timezone.now() + SUBMITTED_AT_CLOCK_SKEW:
        raise ValidationError({"submitted_at": "受理时间不能晚于现在。"})
    if submitted_at.year < EARLIEST_SUBMISSION_YEAR:
        raise ValidationError({"submitted_at": "受理时间过早。"})
    return submitted_at


def _acts_as_unit(appeal: Appeal, scope: Scope) -> bool:
    """The handling unit's own officials and keys; a 街道's officials are the unit when the
    request went to their own 街道办事处."""
    if appeal.department_id is None:
        return False
    if scope.kind == ScopeKind.DEPARTMENT:
        return scope.department_id == appeal.department_id
    return _acts_as(appeal.department, scope)


def _acts_as(department: Department, scope: Scope) -> bool:
    """Whether an official or key of `scope` is this department's own: its officials and keys,
    or a 街道's when the department is that 街道's own office."""
    if scope.kind == ScopeKind.DEPARTMENT:
        return scope.department_id == department.pk
    if scope.kind == ScopeKind.SUBDISTRICT:
        return department.kind == DepartmentKind.SUBDISTRICT and department.area_id == scope.subdistrict_id
    return False


def co_reply_due(*, assigned_at: datetime, resolve_due: datetime) -> datetime:
    """A co-department's deadline: APPEAL_CO_REPLY_WORKING_DAYS after 派单, but no later than
    the lead's own deadline (unless that has already passed)."""
    due = add_working_days(assigned_at, settings.APPEAL_CO_REPLY_WORKING_DAYS)
    return min(due, resolve_due) if resolve_due > assigned_at else due


def _co_assign(appeal: Appeal, co_departments: Iterable[Department], at: datetime) -> tuple[int, list[int]]:
    """Make the request's active co-departments exactly `co_departments` (派单, or again after
    退单): those no longer named are withdrawn, those named again keep their answer, new ones
    are added. Returns how many owe their 协办回复 (none was pending before: 退单 withdrew them)
    and the ids of the co-departments newly asked."""
    wanted = {department.pk: department for department in co_departments}
    due = co_reply_due(assigned_at=at, resolve_due=appeal.resolve_due)
    active = {row.department_id: row for row in appeal.co_assignments.filter(withdrawn_at__isnull=True)}
    gone = [pk for pk in active if pk not in wanted]
    if gone:
        appeal.co_assignments.filter(withdrawn_at__isnull=True, department_id__in=gone).update(withdrawn_at=at)
    added = [pk for pk in wanted if pk not in active]
    AppealCoAssignment.objects.bulk_create(
        AppealCoAssignment(appeal=appeal, department=wanted[pk], assigned_at=at, due=due) for pk in added
    )
    return sum(1 for pk in wanted if pk not in active or active[pk].replied_at is None), added


def _co_assignment_of(
    appeal: Appeal, action: str, by, scope: Scope | None, proxy_reason: str, department: Department | None
) -> tuple[AppealCoAssignment, bool]:
    """The co-assignment a 协办签收 signs or a 协办回复 answers, and whether it is 代办
    (PermissionDenied for anyone else; IllegalTransition when that co-department has already
    answered, or for a 协办签收 already signed)."""
    active = list(appeal.co_assignments.filter(withdrawn_at__isnull=True).select_related("department"))
    scopes = [s for s in (scope_of(by) if by is not None else None, scope) if s is not None]
    proxy = False
    mine = active
    for acting in scopes:
        own = [row for row in active if _acts_as(row.department, acting)]
        if own:
            mine = own
        elif acting.kind == ScopeKind.ALL:
            if not proxy_reason:
                raise StepRefused(
                    "“协办回复”须由协办单位办理；区级工作人员代办时须填写代办原因。",
                    f"“{action}” is for the request's co-departments; a district official acting for one must "
                    "give a proxy_reason.",
                )
            proxy = True
        else:
            raise StepRefused(
                "“协办回复”只能由该诉求的协办单位办理。", f"Only the request's co-departments may take “{action}”."
            )
    if department is not None:
        mine = [row for row in mine if row.department_id == department.pk]
        if not mine:
            raise ValidationError({"department": f"“{department.name}”不是该诉求的协办单位。"})
    pending = [row for row in mine if row.is_pending and (action != "co_sign" or row.signed_at is None)]
    if not pending:
        raise IllegalTransition(
            "该协办单位已签收，无须再次签收。" if action == "co_sign" else "该协办单位已回复协办意见，无须再次回复。",
            appeal=appeal,
            action=action,
            allowed=allowed_actions(appeal),
        )
    if len(pending) > 1:
        raise ValidationError({"department": "请选择代为办理的协办单位。"})
    return pending[0], proxy


def _check_actor(appeal: Appeal, transition, by, scope: Scope | None, proxy_reason: str) -> bool:
    """Refuse a step its actor may not take (PermissionDenied); True when it is 代办.

    The dispatcher's steps: district officials and keys, or the request's 街道. The unit's
    steps: its own officials and keys only — a district official may act for it as 代办, with a
    reason. Without an official or a key (management commands, the resident's own rating on
    the tracking page) the caller has checked who acts.
    """
    scopes = [s for s in (scope_of(by) if by is not None else None, scope) if s is not None]
    if transition.actor == Actor.RESIDENT:
        return False
    if transition.actor == Actor.SYSTEM and scopes:
        raise StepRefused(
            f"“{transition.label}”由系统自动执行。", f"“{transition.action}” is taken by the system itself."
        )
    proxy = False
    for acting in scopes:
        if transition.actor == Actor.DISPATCHER:
            if acting.kind not in (ScopeKind.ALL, ScopeKind.SUBDISTRICT):
                raise StepRefused(
                    f"“{transition.label}”由区或街道的派单人员办理，承办单位不能办理。",
                    f"“{transition.action}” is for the district's or the subdistrict's dispatchers, not a unit.",
                )
            _check_actor_scope(appeal, None, acting)
        elif transition.actor == Actor.UNIT and not _acts_as_unit(appeal, acting):
            if acting.kind != ScopeKind.ALL:
                raise StepRefused(
                    f"“{transition.label}”须由承办单位办理。", f"“{transition.action}” is for the handling unit."
                )
            if not proxy_reason:
                raise StepRefused(
                    f"“{transition.label}”须由承办单位办理；区级工作人员代办时须填写代办原因。",
                    f"“{transition.action}” is for the handling unit; a district official acting for it must give "
                    "a proxy_reason.",
                )
            proxy = True
    return proxy


@transaction.atomic
def appeal_transition(
    *,
    appeal: Appeal | int,
    action: str,
    by=None,
    scope: Scope | None = None,
    actor_label: str = "",
    note: str = "",
    reply: str = "",
    department: Department | None = None,
    reason: str = "",
    rating: str = "",
    solved: str = "",
    comment: str = "",
    urgency: str = "",
    level: str = "",
    category: ProblemCategory | None = None,
    until: datetime | None = None,
    into: Appeal | None = None,
    co_departments: Iterable[Department] = (),
    proxy_reason: str = "",
    at: datetime | None = None,
) -> Appeal:
    """Move a request one step through the workflow, or refuse with IllegalTransition.

    The row is locked (SELECT ... FOR UPDATE) and its state re-read inside the transaction,
    so of two concurrent steps from the same state only one can win. Who acts (an official,
    `by`, or an API key's `scope`) is checked on that locked row too: the dispatcher's steps
    within their area, the unit's steps by the unit itself or as 代办 (`proxy_reason`). The
    step's own checks are `Transition.validate`; its effects are `workflow.apply_step`.
    `co_departments` (assign) are the 协办单位 beside the lead; a co_sign or co_reply is taken
    by one of them, or as 代办 for the one named by `department`.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"未知的操作：{action}", action=action)
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    locked = Appeal.objects.select_for_update().get(pk=pk)
    if not transition.allowed_for(locked):
        allowed = allowed_actions(locked)
        names = "、".join(TRANSITIONS[a].label for a in allowed) or "无"
        raise IllegalTransition(
            f"诉求 {locked.tracking_no} 当前状态为“{locked.get_status_display()}”，不能执行“{transition.label}”"
            f"（可执行：{names}）。",
            appeal=locked,
            action=action,
            allowed=allowed,
        )
    proxy_reason = (proxy_reason or "").strip()
    co_assignment = None
    if transition.actor == Actor.CO_UNIT:
        co_assignment, proxy = _co_assignment_of(locked, action, by, scope, proxy_reason, department)
        department = co_assignment.department
    else:
        proxy = _check_actor(locked, transition, by, scope, proxy_reason)
    now = at or timezone.now()
    if action == "supervise":
        reason = level
    if into is not None:
        into = Appeal.objects.only("pk", "status", "tracking_no").get(pk=into.pk)  # its state now
    step = StepInput(
        note=(note or "").strip(),
        reply=(reply or "").strip(),
        department=department,
        co_departments=tuple(co_departments or ()),
        reason=(reason or "").strip(),
        rating=rating,
        solved=solved,
        comment=(comment or "").strip(),
        urgency=urgency,
        category=category,
        until=until,
        into=into,
        at=now,
    )
    transition.validate(locked, step)
    reply = step.reply
    if action == "accept" and urgency and urgency != locked.urgency:
        until = deadlines_for(kind=locked.kind, submitted_at=locked.submitted_at, urgency=urgency)[1]
    elif action == "reopen" and until is None:
        until = add_working_days(now, resolve_working_days(kind=locked.kind, urgency=locked.urgency))
    elif action == "merge" and not reply:
        reply = merged_reply(into.tracking_no)
    co_pending, co_added = 0, []
    if action == "assign":
        co_pending, co_added = _co_assign(locked, step.co_departments, now)
    elif action in ("return", "merge"):
        # Back to the dispatcher, or closed as a duplicate: nobody owes a contribution any more.
        locked.co_assignments.filter(withdrawn_at__isnull=True, replied_at__isnull=True).update(withdrawn_at=now)
    elif action == "co_sign":
        co_assignment.signed_at = now
        co_assignment.save(update_fields=["signed_at"])
    elif co_assignment is not None:
        co_assignment.replied_at, co_assignment.note, co_assignment.replied_by = now, step.note, by
        co_assignment.signed_at = co_assignment.signed_at or now  # answering without signing first signs too
        co_assignment.proxy_reason = proxy_reason if proxy else ""
        co_assignment.actor_label = actor_label or _actor_label(by, transition.actor)
        co_assignment.save()
    event = apply_step(
        locked,
        action,
        at=now,
        department_id=department.pk if department is not None else None,
        reason=step.reason,
        note=step.note,
        reply=reply,
        rating=step.rating,
        solved=step.solved,
        comment=step.comment,
        urgency=urgency,
        category_id=category.pk if category is not None else None,
        until=until,
        merged_into_id=into.pk if into is not None else None,
        co_pending=co_pending,
        rollups=StepRollups(proxy=proxy),
    )
    if event.reply and locked.is_published:
        # A published request's public version follows a new reply, masked like the draft.
        locked.published_reply = public_text(event.reply)
    locked.save()
    recorded = AppealEvent.objects.create(
        appeal=locked,
        actor=by,
        actor_label=actor_label or _actor_label(by, transition.actor),
        proxy_reason=proxy_reason if proxy else "",
        **event._asdict(),
    )
    if action == "assign" and step.co_departments:
        AppealEvent.co_departments.through.objects.bulk_create(
            AppealEvent.co_departments.through(appealevent_id=recorded.pk, department_id=co.pk)
            for co in step.co_departments
        )
    resident_notify(appeal=locked, action=action, reply=event.reply)  # written now, sent after commit
    officials_notify_step(appeal=locked, action=action, event_id=recorded.pk)
    if co_added:
        officials_notify_coassigned(appeal=locked, department_ids=co_added, event_id=recorded.pk)
    changed = ["request.status_changed"] if event.from_status != event.to_status else []
    if changed or event.reply:
        webhooks_emit(*changed, *(["request.replied"] if event.reply else []), object_id=locked.pk)
    return locked


def _actor_label(user, actor: Actor) -> str:
    if user is None:
        return "诉求人" if actor == Actor.RESIDENT else "系统"
    profile = getattr(user, "official", None)
    if profile is not None and profile.department_id:
        return profile.department.name
    if profile is not None and profile.subdistrict_id:
        return subdistrict_label(profile.subdistrict.name)
    return "区级工作人员"


def appeal_accept(*, appeal: Appeal, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="accept", by=by, note=note, **kw)


def appeal_reject(*, appeal: Appeal, reply: str, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="reject", by=by, reply=reply, note=note, **kw)


def appeal_assign(*, appeal: Appeal, department: Department, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="assign", department=department, by=by, note=note, **kw)


def appeal_sign(*, appeal: Appeal, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="sign", by=by, note=note, **kw)


def appeal_return(*, appeal: Appeal, reason: str, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="return", reason=reason, by=by, note=note, **kw)


def appeal_resolve(*, appeal: Appeal, reply: str, by=None, note: str = "", **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="resolve", reply=reply, by=by, note=note, **kw)


def appeal_rate(*, appeal: Appeal, rating: str, comment: str = "", by=None, **kw) -> Appeal:
    return appeal_transition(appeal=appeal, action="rate", rating=rating, comment=comment, by=by, **kw)


@dataclass(frozen=True)
class PublicVersion:
    """The title, content and reply the public sees of a published request."""

    title: str
    content: str
    reply: str


def public_version_draft(appeal: Appeal) -> PublicVersion:
    """What the approving official starts from: the version already published, if any, else
    the request's own text with phone, ID and house numbers (号楼, 单元, 室…) masked."""
    if appeal.publish_approved and appeal.published_title:
        return PublicVersion(appeal.published_title, appeal.published_content, appeal.published_reply)
    return PublicVersion(public_text(appeal.title), public_text(appeal.content), public_text(appeal.public_reply))


def appeal_close_unrated(*, now: datetime | None = None, days: int | None = None) -> int:
    """Close as 未评价 the requests resolved longer ago than `days` (APPEAL_RATING_DAYS) that
    nobody rated or called back; each through the state machine, in its own transaction."""
    now = now or timezone.now()
    days = settings.APPEAL_RATING_DAYS if days is None else days
    due = Appeal.objects.filter(status=Status.RESOLVED, resolved_at__lt=now - timedelta(days=days))
    closed = 0
    for pk in due.order_by("resolved_at").values_list("pk", flat=True).iterator():
        try:
            appeal_transition(appeal=pk, action="expire", at=now)
        except IllegalTransition:
            continue  # rated or called back meanwhile
        closed += 1
    return closed


@transaction.atomic
def appeal_set_publication(
    *,
    appeal: Appeal,
    approved: bool,
    by=None,
    published_title: str | None = None,
    published_content: str | None = None,
    published_reply: str | None = None,
) -> Appeal:
    """An official approves (or withdraws) publication; only possible with the resident's consent.

    Approving stores the public version: the texts given (the official's edit of the draft),
    else `public_version_draft`. Phone and ID numbers are masked in it whatever the official
    typed; house numbers are the official's call. The request's own texts never change.
    """
    _check_actor_scope(appeal, by)
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if approved and not locked.consent_to_publish:
        raise ValidationError({"publish_approved": "诉求人未同意公开，不能公开该诉求。"})
    fields = ["publish_approved", "updated_at"]
    if approved:
        draft = public_version_draft(locked)
        version = PublicVersion(
            *(
                hide_numbers((given if given is not None else drafted).strip())
                for given, drafted in (
                    (published_title, draft.title),
                    (published_content, draft.content),
                    (published_reply, draft.reply),
                )
            )
        )
        _check_public_version(version)
        locked.published_title, locked.published_content, locked.published_reply = (
            version.title,
            version.content,
            version.reply,
        )
        fields += ["published_title", "published_content", "published_reply"]
    before = RollupSnapshot(locked)  # the rollups count the published requests
    locked.publish_approved = approved
    locked.save(update_fields=fields)
    rollups_record(before=before, after=locked)
    for field in fields:
        setattr(appeal, field, getattr(locked, field))
    audit_record(
        action=AuditAction.PUBLICATION,
        user=by,
        username="" if by is not None else "system",
        target=appeal.tracking_no,
        data={"approved": approved},
    )
    return appeal


def _check_public_version(version: PublicVersion) -> None:
    errors = {}
    title_limit = Appeal._meta.get_field("published_title").max_length
    content_limit = Appeal._meta.get_field("published_content").max_length
    if not version.title:
        errors["published_title"] = "请填写公开标题。"
    elif len(version.title) > title_limit:
        errors["published_title"] = f"公开标题最多 {title_limit} 个字。"
    if not version.content:
        errors["published_content"] = "请填写公开内容。"
    elif len(version.content) > content_limit:
        errors["published_content"] = f"公开内容最多 {content_limit} 个字。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def appeal_link_projects(*, appeal: Appeal, projects: Iterable, by=None) -> Appeal:
    _check_actor_scope(appeal, by)
    projects = list(projects)
    if by is not None:
        appeal_link_projects_check(appeal=appeal, projects=projects, scope=scope_of(by))
    appeal.projects.set(projects)
    return appeal


def appeal_link_projects_check(*, appeal: Appeal, projects: Iterable, scope) -> None:
    """Refuse newly linked projects outside the official's scope (links already there stay:
    a district official may have made them). Forms call it to show why."""
    added = {p.pk: p for p in projects}
    if appeal.pk:
        for pk in appeal.projects.values_list("pk", flat=True):
            added.pop(pk, None)
    if not added or scope.is_all:
        return
    allowed = set(scope.filter_projects(Project.objects.filter(pk__in=added)).values_list("pk", flat=True))
    outside = [project.title for pk, project in added.items() if pk not in allowed]
    if outside:
        raise ValidationError({"projects": f"项目“{'”“'.join(outside)}”不在您的管理范围内，不能关联。"})


@transaction.atomic
def appeal_correct(*, appeal: Appeal, by=None) -> Appeal:
    """Save an official's correction of a request's programme or location (status, replies and
    the resident's own data change only through the workflow)."""
    _check_actor_scope(appeal, by)
    if by is not None:
        appeal._history_user = by
    appeal.full_clean()
    stored = RollupSnapshot(Appeal.objects.get(pk=appeal.pk))  # its programme may change
    appeal.save()
    rollups_record(before=stored, after=appeal)
    return appeal


@transaction.atomic
def appeal_revoke_tracking_links(*, appeal: Appeal) -> Appeal:
    """Make every link to the request's tracking page sent so far stop working."""
    appeal.tracking_nonce = new_tracking_nonce()
    appeal.save(update_fields=["tracking_nonce"])
    return appeal


@transaction.atomic
def appeal_purge_contacts(*, older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Erase residents' personal data (name, phone, contact, the exact place they gave, also
    from the change history) of requests finished longer ago than the retention period:
    closed or rejected, or resolved and never rated."""
    days = settings.APPEAL_CONTACT_RETENTION_DAYS if older_than_days is None else older_than_days
    now = now or timezone.now()
    due = (
        Appeal.objects.annotate(finished_at=Coalesce("closed_at", "resolved_at"))
        .filter(finished_at__lt=now - timedelta(days=days), contact_purged_at__isnull=True)
        .values("pk")
    )
    place = {"location_text": "", "latitude": None, "longitude": None, "notify_email": "", "notify_sms": False}
    invalidate(REQUESTS)  # .update() sends no signals; published requests lose their place
    Appeal.history.filter(id__in=due).update(**place)  # first: `due` no longer matches afterwards
    messages_forget_recipients(appeals=due)
    return Appeal.objects.filter(pk__in=due).update(
        submitter_name="",
        submitter_name_index="",
        submitter_phone="",
        submitter_phone_index="",  # .update() skips the field's pre_save: the number must not stay findable
        submitter_contact="",
        contact_purged_at=now,
        **place,
    )
