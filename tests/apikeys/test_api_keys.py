from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.apikeys.models import ApiKey, ApiScope
from apps.apikeys.services import api_key_authenticate, api_key_create, api_key_revoke
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_new_key_authenticates_and_only_its_hash_is_stored():
    api_key, raw = api_key_create(name="12345 热线平台", scope=ApiScope.SUBMIT)
    assert raw.startswith(api_key.prefix + ".")
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}
    assert api_key_authenticate(raw) == api_key


def test_a_wrong_or_malformed_key_does_not_authenticate():
    api_key, raw = api_key_create(name="x", scope=ApiScope.SUBMIT)
    for bad in ["", "nonsense", raw[:-1] + ("A" if raw[-1] != "A" else "B"), api_key.prefix, f"{api_key.prefix}."]:
        assert api_key_authenticate(bad) is None


def test_a_revoked_key_fails():
    api_key, raw = api_key_create(name="x", scope=ApiScope.READ_PRIVATE)
    api_key_revoke(api_key=api_key)
    assert api_key_authenticate(raw) is None


def test_last_use_is_recorded_at_most_once_a_minute(django_assert_num_queries):
    api_key, raw = api_key_create(name="x", scope=ApiScope.READ_PRIVATE)
    with django_assert_num_queries(2):
        api_key_authenticate(raw)
    first = ApiKey.objects.get(pk=api_key.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):
        api_key_authenticate(raw)
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now() - timedelta(minutes=5))
    with django_assert_num_queries(2):
        api_key_authenticate(raw)


def test_a_department_key_needs_a_department_and_others_refuse_one():
    with pytest.raises(ValidationError) as err:
        api_key_create(name="x", scope=ApiScope.DEPARTMENT)
    assert "department" in err.value.message_dict
    with pytest.raises(ValidationError):
        api_key_create(name="x", scope=ApiScope.SUBMIT, department=factories.department())
    assert ApiKey.objects.count() == 0


def test_the_command_prints_the_key_as_the_last_word(capsys):
    dept = factories.department(code="zhujian")
    call_command("create_api_key", "住建局系统", "--scope", "department", "--department", "zhujian")
    raw = capsys.readouterr().out.strip().splitlines()[-1].split()[-1]
    api_key = api_key_authenticate(raw)
    assert api_key is not None and api_key.department == dept and api_key.scope == ApiScope.DEPARTMENT


def test_the_command_refuses_an_unknown_department():
    with pytest.raises(CommandError):
        call_command("create_api_key", "x", "--scope", "department", "--department", "nope")


def test_an_official_creates_a_key_in_the_admin_and_sees_it_once(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-quanshan-123")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:apikeys_apikey_add"),
        {"name": "开放数据平台", "scope": "read_private", "channel": "api"},
        follow=True,
    )
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    assert api_key.created_by == admin_user
    shown = [str(m) for m in response.context["messages"]]
    raw = next(word for m in shown for word in m.replace("：", " ").split() if word.startswith("qs_"))
    assert api_key_authenticate(raw) == api_key
    page = client.get(reverse("admin:apikeys_apikey_change", args=[api_key.pk]))
    assert raw not in page.content.decode()


def test_an_official_revokes_keys_with_the_admin_action(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-quanshan-123")
    client.force_login(admin_user)
    api_key, raw = api_key_create(name="x", scope=ApiScope.SUBMIT)
    client.post(
        reverse("admin:apikeys_apikey_changelist"), {"action": "revoke", "_selected_action": [api_key.pk]}, follow=True
    )
    api_key.refresh_from_db()
    assert api_key.revoked_by == admin_user
    assert api_key_authenticate(raw) is None


def test_only_district_wide_officials_manage_keys(client):
    dept = factories.department()
    scoped = factories.official(scope=ScopeKind.DEPARTMENT, department=dept)
    district = factories.official(scope=ScopeKind.DISTRICT)
    perms = Permission.objects.filter(content_type__app_label="apikeys")
    for user in (scoped, district):
        user.user_permissions.add(*perms)
    client.force_login(scoped)
    assert client.get(reverse("admin:apikeys_apikey_add")).status_code == 403
    assert client.get(reverse("admin:apikeys_apikey_changelist")).status_code == 403
    client.force_login(district)
    assert client.get(reverse("admin:apikeys_apikey_add")).status_code == 200
