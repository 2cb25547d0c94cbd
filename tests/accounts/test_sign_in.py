"""Officials' sign-in (等保 2.0 身份鉴别), through the back office's own forms: lockout after
failed passwords, password rules and expiry, idle sessions, the second factor."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.models import Action, AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "Quanshan-2026-li"


@pytest.fixture
def li():
    return f.official("lixiaoming", password=PASSWORD)


def sign_in(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def current_code(device: TOTPDevice) -> str:
    """What the official's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


# --- lockout -----------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, li):
    for attempt in range(4):
        response = sign_in(client, "lixiaoming", f"wrong-{attempt}")
        assert response.status_code == 200, "the first wrong passwords get the form back"
    response = sign_in(client, "lixiaoming", "wrong-5")
    assert response.status_code == 429
    assert "已被暂时锁定" in response.content.decode()

    response = sign_in(client, "lixiaoming", PASSWORD)
    assert response.status_code == 429, "the right password is refused while locked"
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=Action.LOCK, target="lixiaoming").count() == 1


def test_the_lock_ends_after_fifteen_minutes(client, li):
    for attempt in range(5):
        sign_in(client, "lixiaoming", f"wrong-{attempt}")
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert sign_in(client, "lixiaoming", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = sign_in(client, "lixiaoming", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_lock_holds_for_that_username_from_that_address_only(client, li):
    for attempt in range(5):
        sign_in(client, "lixiaoming", f"wrong-{attempt}", REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, "lixiaoming", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert sign_in(client, "lixiaoming", PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_a_district_official_sees_and_lifts_a_lock(client, li):
    for attempt in range(5):
        sign_in(client, "lixiaoming", f"wrong-{attempt}")
    boss = f.official("district")
    client.force_login(boss)
    page = client.get("/admin/accounts/signinlock/")
    assert page.status_code == 200 and "lixiaoming" in page.content.decode()
    from axes.models import AccessAttempt

    pk = AccessAttempt.objects.get(username="lixiaoming").pk
    response = client.post("/admin/accounts/signinlock/", {"action": "lift", "_selected_action": [pk]}, follow=True)
    assert "已解除 1 条登录锁定" in response.content.decode()
    client.logout()

    assert sign_in(client, "lixiaoming", PASSWORD).status_code == 302
    unlock = AuditEntry.objects.get(action=Action.UNLOCK)
    assert unlock.actor == boss and unlock.target == "lixiaoming"


def test_a_subdistrict_official_cannot_see_or_lift_locks(client):
    kuishan = f.subdistrict("奎山街道")
    client.force_login(f.official("kuishan", scope="subdistrict", subdistrict=kuishan))
    assert client.get("/admin/accounts/signinlock/").status_code == 403


# --- password rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Short-1a", "至少"),  # 8 characters
        ("quanshanliuxin", "至少 3 种"),  # one kind
        ("quanshan-liuxin", "至少 3 种"),  # two kinds
        ("Li-lixiaoming-2026", "不能包含用户名"),
    ],
)
def test_a_weak_new_password_is_refused(client, li, new_password, message):
    client.force_login(li)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    li.refresh_from_db()
    assert li.check_password(PASSWORD)


def test_a_password_older_than_90_days_must_be_changed_before_anything_else(client, li, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        assert sign_in(client, "lixiaoming", PASSWORD).status_code == 302
        for path in ("/admin/", "/admin/appeals/appeal/"):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"] == "/admin/password_change/"
        new = "Quanshan-2026-new!"
        response = client.post(
            "/admin/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
        assert AuditEntry.objects.filter(action=Action.PASSWORD_CHANGE, actor=li).exists()


def test_a_password_younger_than_90_days_is_not_asked_for(client, li, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=89), tick=False):
        sign_in(client, "lixiaoming", PASSWORD)
        assert client.get("/admin/").status_code == 200


# --- sessions ----------------------------------------------------------------------------------


def test_an_idle_session_ends_after_30_minutes_and_a_busy_one_does_not(client, li):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, "lixiaoming", PASSWORD)
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        assert client.get("/admin/").status_code == 200  # activity moves the deadline
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=81), tick=False):
        response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_session_cookie_ends_with_the_browser(client, li):
    response = sign_in(client, "lixiaoming", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]


# --- second factor -----------------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.OFFICIAL_2FA_REQUIRED = True


def test_without_a_second_factor_an_official_cannot_reach_the_back_office(client, li, two_factor):
    assert sign_in(client, "lixiaoming", PASSWORD).status_code == 302
    for path in ("/admin/", "/admin/appeals/appeal/", "/admin/auth/user/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    response = client.get("/accounts/2fa/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/setup/")
    assert "<svg" in response.content.decode(), "a QR code to scan"


def test_enrolling_an_authenticator_shows_recovery_codes_once(client, li, two_factor):
    sign_in(client, "lixiaoming", PASSWORD)
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=li)
    assert not device.confirmed

    wrong = client.post("/accounts/2fa/setup/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "动态口令不正确" in wrong.content.decode()

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):  # after a wrong code, a second's pause
        response = client.post("/accounts/2fa/setup/", {"token": current_code(device), "next": "/admin/"})
    body = response.content.decode()
    assert "只显示这一次" in body
    from django_otp.plugins.otp_static.models import StaticToken

    codes = list(StaticToken.objects.filter(device__user=li).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in body for code in codes)
    assert client.get("/admin/").status_code == 200
    assert client.get("/accounts/2fa/setup/").status_code == 302, "no second enrolment page"
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_ENROL, actor=li).exists()


def test_a_later_sign_in_needs_the_code_and_a_recovery_code_works_once(client, li, two_factor):
    device = TOTPDevice.objects.create(user=li, name="authenticator", confirmed=True)
    from django_otp.plugins.otp_static.models import StaticDevice

    recovery = StaticDevice.objects.create(user=li, name="recovery")
    recovery.token_set.create(token="a1b2c3d4e5")

    sign_in(client, "lixiaoming", PASSWORD)
    assert client.get("/admin/")["Location"].startswith("/accounts/2fa/")
    bad = client.post("/accounts/2fa/", {"token": "12345"})
    assert "动态口令不正确" in bad.content.decode()
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR_FAILED).count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):  # after a wrong code, a second's pause
        response = client.post("/accounts/2fa/", {"token": current_code(device), "next": "/admin/appeals/appeal/"})
    assert response.status_code == 302 and response["Location"] == "/admin/appeals/appeal/"
    assert client.get("/admin/").status_code == 200

    # The wrong code above also throttles the recovery device for a second (django-otp's
    # throttle is per device, and the right TOTP code resets only its own): come back later.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        client.post("/admin/logout/")
        sign_in(client, "lixiaoming", PASSWORD)
        assert client.post("/accounts/2fa/", {"token": "a1b2c3d4e5"}).status_code == 302
        client.post("/admin/logout/")
        sign_in(client, "lixiaoming", PASSWORD)
        assert client.post("/accounts/2fa/", {"token": "a1b2c3d4e5"}).status_code == 200, "used up"


def test_the_second_factor_page_refuses_an_outside_next_url(client, li, two_factor):
    device = TOTPDevice.objects.create(user=li, name="authenticator", confirmed=True)
    sign_in(client, "lixiaoming", PASSWORD)
    response = client.post("/accounts/2fa/", {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(("debug", "required"), [("false", "True"), ("true", "False")])
def test_two_factor_is_required_by_default_unless_debug(debug, required):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    result = subprocess.run(
        [sys.executable, "-c", "import quanshan.settings as s; print(s.OFFICIAL_2FA_REQUIRED)"],
        env={**env, "DEBUG": debug, "PII_DEV_KEYS": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == required


def test_a_failed_sign_in_of_an_unknown_name_is_audited(client):
    assert sign_in(client, "nobody", "whatever").status_code == 200
    assert not get_user_model().objects.filter(username="nobody").exists()
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED, actor_name="nobody").exists()
