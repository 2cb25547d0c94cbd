"""Following a project, a 街道/社区 or a programme by e-mail: the form on the public pages, double
opt-in, digests of public 进展 only, one-click unsubscribe, rate limits, and the address kept
encrypted and off every public page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.notifications import follows
from apps.notifications.models import Follow, Message, MessageStatus
from apps.projects.services import project_post_update
from tests import factories as f

pytestmark = pytest.mark.django_db

EMAIL = "Li.Ming@Example.cn"


@pytest.fixture(autouse=True)
def _outbox_sends_in_process(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FOLLOW_IP_LIMIT, settings.FOLLOW_ADDRESS_LIMIT = 10, 3


def post_follow(client, kind: str, target, email: str = EMAIL, frequency: str = "immediate", **extra):
    data = {"email": email, "frequency": frequency, "kind": kind, "target": str(target)}
    return client.post(reverse("public:follow"), data, **extra)


def link_in(body: str, name: str) -> str:
    path = reverse(name, args=["TOKEN"]).replace("TOKEN/", "")
    match = re.search(re.escape(path) + r"([^/\s]+)/", body)
    assert match, body
    return path + match.group(1) + "/"


def follow_and_confirm(client, django_capture_on_commit_callbacks, kind="project", target=None, **kw) -> Follow:
    with django_capture_on_commit_callbacks(execute=True):
        assert post_follow(client, kind, getattr(target, "pk", target), **kw).status_code == 200
    confirm = link_in(mail.outbox[-1].body, "public:follow_confirm")
    assert client.post(confirm).status_code == 200
    mail.outbox.clear()
    return Follow.objects.order_by("-pk").first()


def post_update(project, text="东侧绿化完成，步道铺设过半。", progress=40, django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        return project_post_update(project=project, text=text, progress=progress)


def test_the_form_is_on_project_area_and_programme_pages(client):
    project = f.project()
    street = f.subdistrict("泰山街道")
    for url, kind, target in (
        (reverse("public:project_detail", args=[project.pk]), "project", project.pk),
        (reverse("public:area_detail", args=[street.pk]), "area", street.pk),
        (reverse("public:programme_detail", args=["bianmin"]), "programme", "bianmin"),
    ):
        page = client.get(url).content.decode()
        assert f'action="{reverse("public:follow")}"' in page, url
        assert f'name="kind" value="{kind}"' in page and f'name="target" value="{target}"' in page
        assert 'type="email"' in page and "csrfmiddlewaretoken" not in page  # the page stays cacheable


def test_following_sends_a_confirmation_and_nothing_else_until_confirmed(client, django_capture_on_commit_callbacks):
    project = f.project(title="口袋公园建设")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_follow(client, "project", project.pk)
    assert response.status_code == 200 and "请查收确认邮件" in response.content.decode()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["li.ming@example.cn"] and "口袋公园建设" in confirmation.subject
    follow = Follow.objects.get()
    assert follow.confirmed_at is None

    mail.outbox.clear()
    post_update(project, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox == []  # not confirmed: no digest

    confirm = link_in(confirmation.body, "public:follow_confirm")
    page = client.get(confirm)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and Follow.objects.get().confirmed_at is None
    assert client.post(confirm).status_code == 200
    assert Follow.objects.get().confirmed_at is not None


def test_an_immediate_follower_gets_each_public_update_with_a_one_click_unsubscribe(
    client, django_capture_on_commit_callbacks
):
    project = f.project(title="口袋公园建设")
    follow_and_confirm(client, django_capture_on_commit_callbacks, "project", project)

    update = post_update(project, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    (digest,) = mail.outbox
    assert "口袋公园建设" in digest.subject and "东侧绿化完成" in digest.body
    assert f"/projects/{project.pk}/#update-{update.pk}" in digest.body
    unsubscribe = link_in(digest.body, "public:follow_unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"].endswith(unsubscribe + ">")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Run again: nothing new, nothing sent (the sweep and a re-delivered task are harmless).
    mail.outbox.clear()
    assert follows.follows_send_digests(frequency="immediate") == 0
    assert mail.outbox == []

    # RFC 8058: the mail client POSTs without any CSRF token; the address is deleted.
    client.handler.enforce_csrf_checks = True
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Follow.objects.exists()
    post_update(project, text="完工", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert client.post(unsubscribe).status_code == 200  # a second click is harmless


def test_unpublished_projects_updates_are_never_sent(client, django_capture_on_commit_callbacks):
    street = f.subdistrict("泰山街道")
    community = f.community("康居社区", parent=street)
    shown = f.project(title="加装电梯", areas=[community])
    hidden = f.project(title="内部筹备项目", areas=[community], is_public=False)
    follow_and_confirm(client, django_capture_on_commit_callbacks, "area", street)

    post_update(hidden, text="内部讨论", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox == []
    post_update(shown, text="已完成3台", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    (digest,) = mail.outbox
    assert "加装电梯" in digest.body and "内部" not in digest.body


def test_a_weekly_follower_gets_one_digest_a_week(client, django_capture_on_commit_callbacks):
    first, second = f.project(title="菜市场改造"), f.project(title="道路修缮")
    follow = follow_and_confirm(client, django_capture_on_commit_callbacks, "programme", "bianmin", frequency="weekly")

    post_update(first, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    post_update(second, text="路面已铺好", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox == []  # a weekly follower is not sent to on posting
    assert follows.follows_send_digests(frequency="weekly") == 0  # not a week yet

    Follow.objects.filter(pk=follow.pk).update(last_sent_at=timezone.now() - timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        assert follows.follows_send_digests(frequency="weekly") == 1
    (digest,) = mail.outbox
    assert "2 条新进展" in digest.subject and "菜市场改造" in digest.body and "道路修缮" in digest.body
    assert follows.follows_send_digests(frequency="weekly") == 0


def test_the_address_is_encrypted_at_rest_and_found_by_its_blind_index(client, django_capture_on_commit_callbacks):
    project = f.project()
    with django_capture_on_commit_callbacks(execute=True):
        post_follow(client, "project", project.pk, email="li.ming@example.cn")
        post_follow(client, "project", project.pk, email="  LI.MING@example.CN ")
    assert Follow.objects.count() == 1  # the same address however typed
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_index FROM notifications_follow")
        (stored, index) = cursor.fetchone()
        cursor.execute("SELECT recipient FROM notifications_message")
        recipients = [row[0] for row in cursor.fetchall()]
    assert "example" not in stored and "example" not in index and len(index) == 32
    assert all("example" not in r for r in recipients)


def test_the_address_limit_stops_mailing_a_stranger_and_the_page_says_nothing_more(
    client, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_ADDRESS_LIMIT = 2
    projects = [f.project() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        pages = [post_follow(client, "project", p.pk, REMOTE_ADDR=f"10.0.0.{i}") for i, p in enumerate(projects)]
    assert [p.status_code for p in pages] == [200] * 4
    assert all("请查收确认邮件" in p.content.decode() for p in pages)
    assert len(mail.outbox) == 2  # the third and fourth asks sent nothing


def test_the_ip_limit_answers_429(client, settings, django_capture_on_commit_callbacks):
    settings.FOLLOW_IP_LIMIT = 2
    project = f.project()
    codes = [post_follow(client, "project", project.pk, email=f"p{i}@example.cn").status_code for i in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": "not-an-address", "frequency": "weekly"}, "请填写有效的电子邮箱"),
        ({"email": "", "frequency": "weekly"}, "请填写电子邮箱"),
        ({"email": "a@example.cn", "frequency": "hourly"}, "请选择发送频率"),
        ({"email": "a@example.cn", "frequency": "weekly", "target": "999999"}, "不存在或未公开"),
        ({"email": "a@example.cn", "frequency": "weekly", "kind": "appeal"}, "不存在或未公开"),
        ({"email": "a@example.cn", "frequency": "weekly", "target": "１２x"}, "不存在或未公开"),
    ],
)
def test_bad_input_is_a_form_error_in_chinese(client, data, field):
    project = f.project()
    response = client.post(reverse("public:follow"), {"kind": "project", "target": str(project.pk), **data})
    assert response.status_code == 400 and field in response.content.decode()
    assert not Follow.objects.exists() and not Message.objects.exists()


def test_an_unpublished_project_cannot_be_followed(client):
    hidden = f.project(is_public=False)
    assert post_follow(client, "project", hidden.pk).status_code == 400


def test_forged_and_expired_confirmation_links_do_nothing(client, settings, django_capture_on_commit_callbacks):
    project = f.project()
    with django_capture_on_commit_callbacks(execute=True):
        post_follow(client, "project", project.pk)
    confirm = link_in(mail.outbox[-1].body, "public:follow_confirm")
    assert client.post(confirm[:-3] + "xx/").status_code == 404
    settings.FOLLOW_CONFIRM_MAX_AGE_HOURS = -1
    assert client.post(confirm).status_code == 404
    assert Follow.objects.get().confirmed_at is None


def test_the_address_appears_on_no_page_and_in_no_digest(client, django_capture_on_commit_callbacks):
    project = f.project(title="口袋公园建设")
    follow_and_confirm(client, django_capture_on_commit_callbacks, "project", project, email="secret.person@example.cn")
    post_update(project, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    (digest,) = mail.outbox
    assert "secret.person" not in digest.subject + digest.body
    unsubscribe = link_in(digest.body, "public:follow_unsubscribe")
    for url in (reverse("public:project_detail", args=[project.pk]), unsubscribe, reverse("public:follow")):
        assert "secret.person" not in client.get(url).content.decode(), url
    assert "secret.person" not in Message.objects.get(template="follow_digest").body


def test_a_digest_caps_its_length_and_says_how_many_more(client, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(follows, "DIGEST_MAX_UPDATES", 2)
    project = f.project(title="长项目")
    follow = follow_and_confirm(client, django_capture_on_commit_callbacks, "project", project)
    Follow.objects.filter(pk=follow.pk).update(frequency="weekly")
    for n in range(4):
        project_post_update(project=project, text=f"第{n}次进展", progress=10 + n)
    Follow.objects.filter(pk=follow.pk).update(last_sent_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert follows.follows_send_digests(frequency="weekly") == 1
    (digest,) = mail.outbox
    assert "4 条新进展" in digest.subject and "另有 2 条" in digest.body
    assert follows.follows_send_digests(frequency="weekly") == 0
    assert Message.objects.filter(template="follow_digest", status=MessageStatus.SENT).count() == 1
