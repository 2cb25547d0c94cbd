"""What officials are told of: a new assignment to their unit, 协办 requests, deadlines within
24 h, overdue requests, 督办, extension decisions (their unit's requests), and 不满意 answers
(the request's dispatchers: its 街道's officials and the district's).

`officials_notify_step` is called by `apps.appeals.services.appeal_transition` inside the step's
transaction; `officials_scan_deadlines` and `officials_send_digests` are beat's jobs. Every
notice is a row keyed so that writing it twice writes it once. Each official chooses per kind
whether it shows under the admin's bell and/or is e-mailed (`NoticePreference`); e-mail goes in
a daily digest, at once for a 紧急 request. E-mails name the tracking number and what happened,
never the resident's name, phone, address or words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.models import ScopeKind
from apps.appeals.models import Appeal, Status, Urgency
from apps.notifications.models import MessageChannel, NoticeKind, NoticePreference, OfficialNotice
from apps.notifications.services import message_enqueue

HANDLING = (Status.ASSIGNED, Status.IN_PROGRESS)
# The workflow's steps officials hear of, and what they are told.
STEP_KINDS = {
    "assign": NoticeKind.ASSIGNED,
    "reopen": NoticeKind.ASSIGNED,
    "supervise": NoticeKind.SUPERVISED,
    "approve_extension": NoticeKind.EXTENSION,
    "refuse_extension": NoticeKind.EXTENSION,
    "rate": NoticeKind.UNSATISFIED,
    "revisit": NoticeKind.UNSATISFIED,
}
DIGEST_MAX_LINES = 50


def _unit_officials_q(department_ids: Iterable[int]) -> Q:
    return Q(official__scope=ScopeKind.DEPARTMENT, official__department_id__in=list(department_ids))


def _dispatchers_q(subdistrict_id: int | None) -> Q:
    return Q(official__scope=ScopeKind.DISTRICT) | Q(
        official__scope=ScopeKind.SUBDISTRICT, official__subdistrict_id=subdistrict_id
    )


def _officials(q: Q) -> list:
    users = get_user_model().objects.filter(q, is_active=True, is_staff=True)
    return list(
        users.select_related("notice_preference", "official").only(
            "pk", "email", "official__department_id", "notice_preference__admin_kinds", "notice_preference__email_kinds"
        )
    )


def _wants(user, kind: str) -> tuple[bool, bool]:
    """(show under the bell, e-mail) for this official and kind."""
    try:
        preference = user.notice_preference
    except NoticePreference.DoesNotExist:
        return True, bool(user.email)
    return kind in preference.admin_kinds, kind in preference.email_kinds and bool(user.email)


def _text(kind: str, appeal: Appeal, due: datetime | None = None) -> str:
    label = NoticeKind(kind).label
    text = f"{label}：{appeal.tracking_no} {appeal.title}"
    if due is not None:
        text += gettext("（办结时限 %(due)s）") % {"due": f"{timezone.localtime(due):%Y-%m-%d %H:%M}"}
    return text[:200]


def _email_now(notice: OfficialNotice, user, appeal: Appeal) -> None:
    """A 紧急 request's notice is e-mailed at once, not kept for the digest."""
    message_enqueue(
        channel=MessageChannel.EMAIL,
        recipient=user.email,
        template="official_notice",
        context={
            "kind": NoticeKind(notice.kind).label,
            "tracking_no": appeal.tracking_no,
            "link": settings.SITE_URL + reverse("admin:appeals_appeal_change", args=[appeal.pk]),
        },
        appeal=appeal,
    )
    notice.emailed_at = timezone.now()


def _write(appeal: Appeal, kind: str, key: str, users: list, due: datetime | None = None, fresh: bool = False) -> int:
    """Notices of `kind` about `appeal` for `users`, skipping those already written under `key`
    (`fresh`: the key is a new event's, nothing can exist under it — one query saved per step)."""
    if not users:
        return 0
    existing = set()
    if not fresh:
        existing = set(
            OfficialNotice.objects.filter(appeal=appeal, kind=kind, key=key, user__in=users).values_list(
                "user_id", flat=True
            )
        )
    notices = []
    urgent = appeal.urgency == Urgency.URGENT
    for user in users:
        if user.pk in existing:
            continue
        in_admin, email = _wants(user, kind)
        if not (in_admin or email):
            continue
        notice = OfficialNotice(
            user=user,
            kind=kind,
            appeal=appeal,
            key=key,
            text=_text(kind, appeal, due),
            urgent=urgent,
            in_admin=in_admin,
            email=email,
        )
        if email and urgent:
            _email_now(notice, user, appeal)
        notices.append(notice)
    OfficialNotice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def officials_notify_step(*, appeal: Appeal, action: str, event_id: int) -> None:
    """In the step's transaction: tell the officials a step concerns (nothing for other steps)."""
    kind = STEP_KINDS.get(action)
    if kind is None:
        return
    if kind == NoticeKind.UNSATISFIED:
        if appeal.status != Status.REVIEW:  # satisfied, or solved: nobody needs telling
            return
        users = _officials(_dispatchers_q(appeal.subdistrict_id))
    else:
        if appeal.department_id is None:
            return
        users = _officials(_unit_officials_q([appeal.department_id]))
    _write(appeal, kind, f"event:{event_id}", users, fresh=True)


def officials_notify_coassigned(*, appeal: Appeal, department_ids: Iterable[int], event_id: int) -> None:
    """协办: the co-units asked to help with a request (for the co-departments step to call)."""
    users = _officials(_unit_officials_q(department_ids))
    _write(appeal, NoticeKind.COASSIGNED, f"event:{event_id}", users, fresh=True)


def officials_scan_deadlines(*, now: datetime | None = None) -> int:
    """Beat's hourly job: each handled request whose deadline falls within OFFICIAL_DUE_SOON_HOURS
    or has passed gets one notice per unit official and deadline (an extended deadline is told
    again). Returns how many notices were written."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.OFFICIAL_DUE_SOON_HOURS)
    appeals = list(
        Appeal.objects.filter(status__in=HANDLING, department__isnull=False, resolve_due__lt=soon)
        .only("pk", "tracking_no", "title", "urgency", "department_id", "resolve_due", "status")
        .order_by("resolve_due")[: settings.OFFICIAL_SCAN_LIMIT]
    )
    units: dict[int, list] = defaultdict(list)
    for user in _officials(_unit_officials_q({a.department_id for a in appeals})):
        units[user.official.department_id].append(user)
    written = 0
    for appeal in appeals:
        kind = NoticeKind.OVERDUE if appeal.resolve_due < now else NoticeKind.DUE_SOON
        with transaction.atomic():
            written += _write(
                appeal, kind, f"due:{appeal.resolve_due:%Y%m%d%H%M}", units[appeal.department_id], appeal.resolve_due
            )
    return written


def officials_send_digests() -> int:
    """Beat's daily job: one e-mail per official of the notices not yet e-mailed (tracking
    numbers and what happened). Returns how many e-mails were written; run twice, it sends once."""
    user_ids = (
        OfficialNotice.objects.filter(email=True, emailed_at__isnull=True).values_list("user_id", flat=True).distinct()
    )
    link = settings.SITE_URL + reverse("admin:notifications_officialnotice_changelist")
    sent = 0
    for user_id in list(user_ids):
        with transaction.atomic():
            notices = list(
                OfficialNotice.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(user_id=user_id, email=True, emailed_at__isnull=True)
                .select_related("user", "appeal")
                .only("pk", "kind", "user__email", "appeal__tracking_no")
                .order_by("created_at", "pk")
            )
            if not notices:
                continue
            lines = [f"· {NoticeKind(n.kind).label}：{n.appeal.tracking_no}" for n in notices[:DIGEST_MAX_LINES]]
            if len(notices) > DIGEST_MAX_LINES:
                lines.append(gettext("……另有 %(n)d 条") % {"n": len(notices) - DIGEST_MAX_LINES})
            message_enqueue(
                channel=MessageChannel.EMAIL,
                recipient=notices[0].user.email,
                template="official_digest",
                context={"count": len(notices), "lines": "\n".join(lines), "link": link},
            )
            OfficialNotice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
            sent += 1
    return sent


def notices_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """The official marks their notices read (all unread ones when `ids` is None)."""
    unread = OfficialNotice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notice_preference_save(*, user, admin_kinds: Iterable[str], email_kinds: Iterable[str]) -> NoticePreference:
    preference, _created = NoticePreference.objects.update_or_create(
        user=user,
        defaults={
            "admin_kinds": [k for k in NoticeKind.values if k in set(admin_kinds)],
            "email_kinds": [k for k in NoticeKind.values if k in set(email_kinds)],
        },
    )
    return preference


BELL_CAP = 99


def unread_notice_count(user) -> int:
    """The bell's number, up to BELL_CAP + 1 (shown "99+"): one indexed query that stops early
    instead of counting a long-neglected pile on every admin page."""
    unread = OfficialNotice.objects.filter(user=user, in_admin=True, read_at__isnull=True)
    return len(unread.values_list("pk", flat=True)[: BELL_CAP + 1])
