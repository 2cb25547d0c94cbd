"""What a resident hears of their own request: the tracking number on submitting, then one short
message per public change, by SMS and/or e-mail as they chose, each with a signed link that opens
their tracking page. Called by apps.appeals.services inside the step's transaction."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from apps.appeals.tracking import tracking_token
from apps.common.privacy import public_text
from apps.notifications.models import MessageChannel
from apps.notifications.services import message_enqueue

# The workflow's actions a resident hears of, and the message each sends. The closed loop's
# public steps (延期, 重办, 解释说明, 合并) are listed ahead of apps.appeals.workflow gaining them.
RESIDENT_TEMPLATES = {
    "submit": "appeal_submitted",
    "accept": "appeal_accepted",
    "assign": "appeal_assigned",
    "resolve": "appeal_resolved",
    "reject": "appeal_rejected",
    "approve_extension": "appeal_extended",
    "reopen": "appeal_reopened",
    "close_explained": "appeal_closed_explained",
    "merge": "appeal_merged",
}
# Steps the resident does not hear of: the office's own (签收, 退单, asking for an extension,
# 督办, a co-department's 协办签收 and 协办回复), the resident's own rating, a phone 回访 they took
# part in, and closing unrated.
# tests/notifications/test_templates.py fails for a workflow step in neither list.
SILENT_STEPS = frozenset(
    {
        "sign",
        "return",
        "request_extension",
        "refuse_extension",
        "supervise",
        "answer_supervision",
        "co_sign",
        "co_reply",
        "rate",
        "revisit",
        "expire",
    }
)
REPLY_EXCERPT_CHARS = 40
MOBILE = re.compile(r"1[3-9]\d{9}")


def is_mobile(phone: str) -> bool:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return bool(MOBILE.fullmatch(digits[-11:])) and len(digits) in (11, 13)


def reply_excerpt(reply: str, *, name: str = "") -> str:
    """The start of the public reply, masked as a published reply is (phone, ID, house numbers),
    and without the resident's name should an official have written it."""
    text = " ".join(public_text(reply).split())
    if name:
        text = text.replace(name, "*" * len(name))
    return text if len(text) <= REPLY_EXCERPT_CHARS else text[:REPLY_EXCERPT_CHARS] + "…"


def tracking_link(appeal) -> str:
    return settings.SITE_URL + reverse("public:request_track_token", args=[tracking_token(appeal)])


def resident_notify(*, appeal, action: str, reply: str = "") -> None:
    template = RESIDENT_TEMPLATES.get(action)
    if template is None or not (appeal.notify_sms or appeal.notify_email):
        return
    context = {
        "tracking_no": appeal.tracking_no,
        "link": tracking_link(appeal),
        "reply": reply_excerpt(reply, name=appeal.submitter_name),
    }
    if appeal.notify_sms and is_mobile(appeal.submitter_phone):
        message_enqueue(
            channel=MessageChannel.SMS,
            recipient=appeal.submitter_phone,
            template=template,
            context=context,
            appeal=appeal,
        )
    if appeal.notify_email:
        message_enqueue(
            channel=MessageChannel.EMAIL,
            recipient=appeal.notify_email,
            template=template,
            context=context,
            appeal=appeal,
        )
