"""A resident who asks for updates hears of each public change of their request, by SMS and
e-mail, through the real path: the web form, then officials' steps in the admin; the link in
each message opens their tracking page without typing, until it expires or is revoked."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Appeal, Status
from apps.appeals.selectors import appeals_with_phone
from apps.appeals.services import appeal_purge_contacts, appeal_reject, appeal_revoke_tracking_links
from apps.notifications.models import Message, MessageStatus
from tests import factories as f
from tests.public.helpers import areas, form_data

pytestmark = pytest.mark.django_db

NAME, PHONE, ADDRESS, EMAIL = "诸葛秀兰", "13905170427", "云龙路17号6栋2单元501室", "xiulan@example.cn"
LINK = re.compile(r"https?://\S+?/requests/track/([^/\s]+)/")


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.SMS_BACKEND = "apps.notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path / "sms"


def sms_sent(sms_dir) -> list[dict]:
    path = sms_dir / "sms.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def submit(client, django_capture_on_commit_callbacks):
    """Submit the public form as a resident and return the request."""

    def go(**overrides) -> Appeal:
        taishan, taishan_c, _, _ = areas()
        data = form_data(
            taishan,
            taishan_c,
            submitter_name=NAME,
            submitter_phone=PHONE,
            location_text=ADDRESS,
            notify_sms="on",
            notify_email=EMAIL,
        )
        data.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/requests/new/", data).status_code == 302
        return appeals_with_phone(Appeal.objects.all(), PHONE).get()

    return go


@pytest.fixture
def district(client):
    user = f.official("district")
    user.groups.add(Group.objects.get(name="工作人员"))
    return user


def step(client, appeal, action, data, capture) -> None:
    with capture(execute=True):
        response = client.post(reverse("admin:appeals_appeal_workflow", args=[appeal.pk, action]), data)
    assert response.status_code == 302


def assert_no_personal_data(text: str) -> None:
    for private in (NAME, NAME[:2], PHONE, PHONE[-4:], "云龙路", "2单元501", "501室"):
        assert private not in text, private


def test_the_form_asks_for_updates_by_sms_by_default(client):
    areas()
    page = client.get("/requests/new/").content.decode()
    assert re.search(r'<input[^>]*name="notify_sms"[^>]*checked', page)
    assert 'name="notify_email"' in page


def test_each_public_change_reaches_the_resident_by_sms_and_email(
    submit, sms_dir, client, district, django_capture_on_commit_callbacks
):
    appeal = submit()
    assert appeal.notify_sms and appeal.notify_email == EMAIL
    handler = f.department("区住房和城乡建设局")
    client.force_login(district)
    capture = django_capture_on_commit_callbacks
    step(client, appeal, "accept", {"note": "已电话联系诸葛秀兰"}, capture)
    step(client, appeal, "assign", {"department": handler.pk}, capture)
    step(client, appeal, "sign", {"proxy_reason": "住建局电话委托"}, capture)  # internal: the resident hears nothing
    reply = f"已更换楼道灯泡，恢复照明。如仍有问题请联系{NAME}家属 {PHONE}，或到云龙路17号6栋2单元501室查看。"
    step(client, appeal, "resolve", {"reply": reply, "proxy_reason": "住建局电话委托"}, capture)

    texts = [m["body"] for m in sms_sent(sms_dir)]
    assert all(m["phone"] == PHONE for m in sms_sent(sms_dir))
    assert [m.body for m in mail.outbox] == texts
    assert all(m.to == [EMAIL] for m in mail.outbox)
    assert len(texts) == 4
    submitted, accepted, assigned, resolved = texts
    assert appeal.tracking_no in submitted and "已提交" in submitted
    assert "已受理" in accepted and "已派至承办单位" in assigned
    assert "已办结" in resolved and "已更换楼道灯泡，恢复照明。" in resolved
    for text in texts:
        assert text.startswith("【泉山六心】") and appeal.tracking_no in text and LINK.search(text)
        assert_no_personal_data(text)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 8


def test_a_rejection_is_sent_with_its_reason(submit, sms_dir, django_capture_on_commit_callbacks):
    appeal = submit(notify_email="")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_reject(appeal=appeal, reply="该事项属于物业服务合同纠纷，请与物业公司协商。")
    texts = [m["body"] for m in sms_sent(sms_dir)]
    assert len(texts) == 2 and "不予受理" in texts[1] and "物业服务合同纠纷" in texts[1]
    assert mail.outbox == []


def test_no_updates_when_the_resident_did_not_ask(submit, sms_dir, django_capture_on_commit_callbacks):
    appeal = submit(notify_sms="", notify_email="")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_reject(appeal=appeal, reply="重复诉求。")
    assert sms_sent(sms_dir) == [] and mail.outbox == [] and not Message.objects.exists()


def test_no_sms_to_a_landline(submit, sms_dir):
    taishan_phone = "0516-83801234"
    _, taishan_c, _, _ = areas()
    appeal = f.appeal(area=taishan_c, submitter_phone=taishan_phone, notify_sms=True)
    assert appeal.pk and not Message.objects.filter(channel="sms").exists()


def test_a_step_that_rolls_back_sends_nothing(submit, sms_dir, django_capture_on_commit_callbacks, monkeypatch):
    from apps.appeals import services

    appeal = submit()
    sent_before = len(sms_sent(sms_dir))

    def fail(*args, **kwargs):
        raise RuntimeError("database went away after the step")

    monkeypatch.setattr(services.AppealEvent.objects, "create", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.appeal_accept(appeal=appeal)
    assert len(sms_sent(sms_dir)) == sent_before
    assert Message.objects.filter(template="appeal_accepted").count() == 0


def test_the_link_opens_the_tracking_page_without_typing_and_lets_the_resident_rate(
    submit, sms_dir, client, django_capture_on_commit_callbacks
):
    appeal = submit()
    path = "/requests/track/" + LINK.search(sms_sent(sms_dir)[0]["body"]).group(1) + "/"
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert appeal.tracking_no in body and "楼道灯坏了" in body
    assert_no_personal_data(body)

    from apps.appeals.services import appeal_accept, appeal_assign, appeal_resolve, appeal_sign

    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=f.department())
    appeal_sign(appeal=appeal)
    appeal_resolve(appeal=appeal, reply="已修好。")
    response = client.post(path, {"action": "rate", "solved": "yes", "rating": "satisfied", "comment": ""})
    assert response.status_code == 200 and response.context["just_rated"]
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.rating == "satisfied"


def test_a_revoked_expired_or_forged_link_opens_nothing(submit, sms_dir, client):
    appeal = submit()
    token = LINK.search(sms_sent(sms_dir)[0]["body"]).group(1)
    path = f"/requests/track/{token}/"
    assert client.get(path).status_code == 200
    assert client.get(f"/requests/track/{token[:-2]}xx/").status_code == 404
    assert client.get("/requests/track/%E4%BD%A0%E5%A5%BD/").status_code == 404

    with time_machine.travel(timezone.now() + timedelta(days=179)):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=181)):
        assert client.get(path).status_code == 404

    appeal_revoke_tracking_links(appeal=appeal)
    response = client.get(path)
    assert response.status_code == 404 and appeal.tracking_no not in response.content.decode()


def test_purging_contacts_forgets_the_email_and_the_messages_recipients(submit, sms_dir):
    appeal = submit()
    appeal_reject(appeal=appeal, reply="重复诉求。")
    purged = appeal_purge_contacts(older_than_days=0, now=timezone.now() + timedelta(seconds=1))
    assert purged == 1
    appeal.refresh_from_db()
    assert appeal.notify_email == "" and not appeal.notify_sms
    assert set(Message.objects.values_list("recipient", flat=True)) == {""}
    assert not Message.objects.filter(status=MessageStatus.PENDING).exists()
