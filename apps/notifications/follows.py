"""Following the public 进展 of a project, a 街道/社区 or a programme by e-mail.

Double opt-in: `follow_request` writes an unconfirmed Follow and a confirmation e-mail with a
signed link; only `follow_confirm` (the person who reads that mailbox) turns it on. Every digest
carries a one-click unsubscribe link (and the `List-Unsubscribe` header, RFC 8058) that deletes
the row. Rate limits on who may ask are the caller's (apps.public.views_follows).

Progress updates are themselves durable rows written with the step that posts them, so a digest
needs no outbox rows of its own at posting time: `follows_send_digests` compares each follow's
`last_update_id` with the public updates in its scope and writes one digest e-mail to the outbox
while moving the watermark in the same transaction — run twice, it sends once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from apps.common.pii import email_index, normalise_email
from apps.notifications.models import Follow, FollowFrequency, MessageChannel
from apps.notifications.services import message_enqueue, queue_task
from apps.places.models import Area
from apps.programmes.models import Programme
from apps.projects.models import ProgressUpdate, Project
from apps.projects.selectors import projects_in_area, public_project_q, public_projects

CONFIRM_SALT = "notifications.follow-confirm"
UNSUBSCRIBE_SALT = "notifications.follow-unsubscribe"
DIGEST_MAX_UPDATES = 20
EXCERPT_CHARS = 120
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Target:
    """What is followed: exactly one of a published project, a 街道/社区 or a programme."""

    project: Project | None = None
    area: Area | None = None
    programme: Programme | None = None

    @property
    def key(self) -> str:
        if self.project is not None:
            return f"project:{self.project.pk}"
        if self.area is not None:
            return f"area:{self.area.pk}"
        return f"programme:{self.programme.pk}"

    @property
    def name(self) -> str:
        if self.project is not None:
            return self.project.title
        if self.area is not None:
            return self.area.name
        return self.programme.name


def target_of(follow: Follow) -> Target:
    return Target(project=follow.project, area=follow.area, programme=follow.programme)


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def confirm_token(follow: Follow, frequency: str) -> str:
    return signing.dumps([follow.pk, follow.nonce, frequency], salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(follow: Follow) -> str:
    # No expiry: an unsubscribe link in an old e-mail must still work.
    return signing.dumps([follow.pk, follow.nonce], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_link(follow: Follow) -> str:
    return _link("public:follow_unsubscribe", unsubscribe_token(follow))


def _read(token: str, salt: str, max_age: int | None = None) -> list | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return value if isinstance(value, list) else None


@transaction.atomic
def follow_request(*, email: str, target: Target, frequency: str) -> Follow:
    """Someone asks to follow `target` at `email`: a confirmation e-mail goes there, whatever the
    address's state (a confirmed follower asking again changes the frequency by confirming)."""
    address = normalise_email(email)
    follow = Follow.objects.select_for_update().filter(email_index=email_index(address), target=target.key).first()
    if follow is None:
        follow = Follow.objects.create(
            email=address,
            target=target.key,
            project=target.project,
            area=target.area,
            programme=target.programme,
            frequency=frequency,
        )
    message_enqueue(
        channel=MessageChannel.EMAIL,
        recipient=address,
        template="follow_confirm",
        context={
            "target": target.name,
            "frequency": FollowFrequency(frequency).label,
            "link": _link("public:follow_confirm", confirm_token(follow, frequency)),
        },
        follow=follow,
    )
    return follow


def follow_for_confirm_token(token: str) -> tuple[Follow, str] | None:
    """The follow and the frequency a confirmation link asks for; None if forged, expired or revoked."""
    value = _read(token, CONFIRM_SALT, settings.FOLLOW_CONFIRM_MAX_AGE_HOURS * 3600)
    if value is None or len(value) != 3 or value[2] not in FollowFrequency.values:
        return None
    follow = Follow.objects.select_related("project", "area", "programme").filter(pk=value[0], nonce=value[1]).first()
    return (follow, value[2]) if follow is not None else None


@transaction.atomic
def follow_confirm(*, follow: Follow, frequency: str) -> Follow:
    """The address's owner confirms: digests start with the updates posted from now on."""
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.confirmed_at is None:
        follow.confirmed_at = timezone.now()
        follow.last_update_id = ProgressUpdate.objects.aggregate(m=Max("pk"))["m"] or 0
        follow.last_sent_at = follow.confirmed_at
    follow.frequency = frequency
    follow.save(update_fields=["confirmed_at", "last_update_id", "last_sent_at", "frequency"])
    return follow


def follow_for_unsubscribe_token(token: str) -> Follow | None:
    value = _read(token, UNSUBSCRIBE_SALT)
    if value is None or len(value) != 2:
        return None
    return Follow.objects.select_related("project", "area", "programme").filter(pk=value[0], nonce=value[1]).first()


@transaction.atomic
def follow_unsubscribe(*, follow: Follow) -> None:
    """One click and the address is gone: the row and its links (messages keep no link to it)."""
    Follow.objects.filter(pk=follow.pk).delete()


def _updates_for(follow: Follow) -> QuerySet[ProgressUpdate]:
    updates = ProgressUpdate.objects.filter(public_project_q("project__"), pk__gt=follow.last_update_id)
    if follow.project_id is not None:
        updates = updates.filter(project_id=follow.project_id)
    elif follow.area_id is not None:
        updates = updates.filter(project__in=projects_in_area(public_projects(), follow.area_id).values("pk"))
    else:
        updates = updates.filter(project__programme_id=follow.programme_id)
    return updates.select_related("project").order_by("pk")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def _digest_lines(updates: list[ProgressUpdate], more: int) -> str:
    lines = []
    for update in updates:
        link = settings.SITE_URL + reverse("public:project_detail", args=[update.project_id]) + f"#update-{update.pk}"
        lines.append(
            gettext("· %(project)s（%(date)s，进度 %(progress)s%%）：%(text)s\n  %(link)s")
            % {
                "project": update.project.title,
                "date": f"{update.date:%Y-%m-%d}",
                "progress": update.progress,
                "text": _excerpt(update.text),
                "link": link,
            }
        )
    if more:
        lines.append(gettext("……另有 %(n)d 条，请到网站查看。") % {"n": more})
    return "\n".join(lines)


def follow_send_digest(*, follow_id: int) -> bool:
    """Write one digest e-mail of the follow's new public updates, if any; True if one was written."""
    with transaction.atomic():
        follow = (
            Follow.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("project", "area", "programme")
            .filter(pk=follow_id, confirmed_at__isnull=False)
            .first()
        )
        if follow is None:
            return False
        updates = list(_updates_for(follow)[: DIGEST_MAX_UPDATES + 1])
        if not updates:
            return False
        more = 0
        if len(updates) > DIGEST_MAX_UPDATES:
            more = _updates_for(follow).count() - DIGEST_MAX_UPDATES
            updates = updates[:DIGEST_MAX_UPDATES]
        unsubscribe = unsubscribe_link(follow)
        message_enqueue(
            channel=MessageChannel.EMAIL,
            recipient=follow.email,
            template="follow_digest",
            context={
                "target": target_of(follow).name,
                "count": len(updates) + more,
                "updates": _digest_lines(updates, more),
                "unsubscribe": unsubscribe,
            },
            follow=follow,
            headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        # Skipped updates (beyond the cap) count as told: the digest says how many more there are.
        follow.last_update_id = _updates_for(follow).aggregate(m=Max("pk"))["m"] if more else updates[-1].pk
        follow.last_sent_at = timezone.now()
        follow.save(update_fields=["last_update_id", "last_sent_at"])
        return True


def follows_send_digests(*, frequency: str, limit: int = 1000) -> int:
    """Beat's job: digests for confirmed follows of `frequency` that are due (a weekly follow a
    week after its last digest). Follows with nothing new cost one query and send nothing.
    Returns how many digests were written."""
    due = Follow.objects.filter(frequency=frequency, confirmed_at__isnull=False)
    if frequency == FollowFrequency.WEEKLY:
        # An hour's slack: beat's weekly run is never a full week after the previous one to the second.
        due = due.filter(last_sent_at__lte=timezone.now() - WEEK + timedelta(hours=1))
    ids = list(due.order_by("last_sent_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(follow_send_digest(follow_id=pk) for pk in ids)


def follows_update_posted() -> None:
    """Called in the transaction that posts a 进展: after the commit, immediate followers' digests
    are written and sent (beat's sweep catches them if the broker is down)."""
    from apps.notifications.tasks import follow_digests

    transaction.on_commit(lambda: queue_task(follow_digests, FollowFrequency.IMMEDIATE.value))
