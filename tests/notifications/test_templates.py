"""Every message template, rendered for a request full of personal data, carries none of it."""

from __future__ import annotations

import pytest
from django.core import signing

from apps.appeals.workflow import TRANSITIONS
from apps.notifications.residents import RESIDENT_TEMPLATES, SILENT_STEPS, resident_notify, tracking_link
from apps.notifications.templates import TEMPLATES
from tests import factories as f

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "欧阳春梅", "13905170427", "chunmei@example.cn"
REPLY = (
    f"{NAME}您好：经查，云龙路17号6栋2单元501室（电话{PHONE}，身份证320311198001011234）的问题已处理完毕，谢谢支持。"
)


def test_every_template_is_sent_for_some_workflow_step():
    assert set(RESIDENT_TEMPLATES.values()) == {key for key in TEMPLATES if key.startswith("appeal_")}


def test_every_workflow_step_is_either_told_to_the_resident_or_silent_by_decision():
    undecided = set(TRANSITIONS) - set(RESIDENT_TEMPLATES) - SILENT_STEPS
    assert not undecided, f"decide whether residents hear of {undecided}: apps/notifications/residents.py"
    assert not set(RESIDENT_TEMPLATES) & SILENT_STEPS


@pytest.mark.parametrize("action", sorted(RESIDENT_TEMPLATES))
def test_no_template_carries_personal_data(action, monkeypatch):
    # The signed link carries the second it was signed: hold the clock still so the link made
    # here for comparison is the one in the message.
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(1_800_000_000))
    appeal = f.appeal(
        submitter_name=NAME,
        submitter_phone=PHONE,
        location_text="云龙路17号6栋2单元501室",
        content=f"我叫{NAME}，住云龙路17号6栋2单元501室，电话{PHONE}。",
        notify_sms=True,
        notify_email=EMAIL,
    )
    appeal.messages.all().delete()
    resident_notify(appeal=appeal, action=action, reply=REPLY)
    messages = list(appeal.messages.all())
    assert {m.channel for m in messages} == {"sms", "email"}
    for message in messages:
        assert message.template == RESIDENT_TEMPLATES[action]
        # The tracking number and the signed link are the resident's own and random: they may
        # hold "1234" by chance (the 1,234th request of a run), so the check reads around them.
        text = (message.subject + message.body).replace(tracking_link(appeal), "").replace(appeal.tracking_no, "")
        # The reply is masked as a published one: the road may stay, never its numbers.
        for private in (NAME, PHONE, PHONE[-4:], EMAIL, "云龙路17号", "501", "6栋", "320311198001011234", "1234"):
            assert private not in text, (action, private)
        # Short: an SMS of a few segments at most. The signed link's length grows with the
        # request's id (ids differ between databases), so it is bounded on its own.
        link = tracking_link(appeal)
        assert link in message.body and len(link) <= 160  # about 110 plus the id and nonce
        assert len(message.body.replace(link, "")) <= 150
