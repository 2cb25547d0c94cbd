"""The audit log (等保 2.0 安全审计): each audited action, done the way an official or a key
holder does it, writes its entry; district officials read and export the log; nobody changes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import tablib
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.apikeys.models import ApiKey, ApiScope
from apps.apikeys.services import api_key_create
from apps.audit.models import Action, AuditEntry
from apps.audit.services import audit_record
from tests import factories as f
from tests.admin.conftest import *  # noqa: F403  (officials and their areas)
from tests.admin.conftest import export_file

pytestmark = pytest.mark.django_db

PASSWORD = "Quanshan-2026-audit"


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_sign_in_failed_sign_in_and_sign_out_are_logged_with_the_address(client):
    official = f.official("wanghong", password=PASSWORD)
    client.post("/admin/login/", {"username": "wanghong", "password": "nope"}, REMOTE_ADDR="203.0.113.7")
    client.post("/admin/login/", {"username": "wanghong", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    client.post("/admin/logout/", REMOTE_ADDR="203.0.113.7")

    failed, signed_in, signed_out = entries(Action.SIGN_IN_FAILED), entries(Action.SIGN_IN), entries(Action.SIGN_OUT)
    assert [(e.actor_name, e.actor, e.ip_address) for e in failed] == [("wanghong", None, "203.0.113.7")]
    assert [(e.actor, e.ip_address) for e in signed_in] == [(official, "203.0.113.7")]
    assert [e.actor for e in signed_out] == [official]
    assert "nope" not in str(failed[0].data)


def test_an_admin_export_is_logged_with_its_filters_and_row_count(as_official, district_official, kuishan):
    for _ in range(3):
        f.appeal(area=f.community(parent=kuishan))
    f.appeal()
    client = as_official(district_official)
    response = export_file(client, "appeals_appeal", "csv", query=f"?subdistrict={kuishan.pk}")
    assert response.status_code == 200

    (entry,) = entries(Action.EXPORT)
    assert entry.actor == district_official
    assert entry.target == "appeals.Appeal"
    assert entry.rows == 3
    assert entry.data["filters"] == {"subdistrict": str(kuishan.pk)}


def test_an_admin_import_is_logged(as_official, district_official):
    f.project(title="奎山口袋公园")
    client = as_official(district_official)
    content = export_file(client, "projects_project", "xlsx").content
    page = client.post(
        reverse("admin:projects_project_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("projects.xlsx", content)},
    )
    client.post(reverse("admin:projects_project_process_import"), page.context["confirm_form"].initial)

    (entry,) = entries(Action.IMPORT)
    assert entry.actor == district_official and entry.target == "projects.Project"
    assert entry.data["totals"] == {"skip": 1}


def test_an_api_export_by_a_key_holder_is_logged_and_an_anonymous_one_is_not(client):
    key, raw = api_key_create(name="区大数据局", scope=ApiScope.READ_PRIVATE)
    assert client.get("/api/v1/projects/export.csv?year=2026").status_code == 200
    assert not entries(Action.EXPORT)

    response = client.get("/api/v1/requests/export.csv?year=2026", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 200
    (entry,) = entries(Action.EXPORT)
    assert entry.actor_name == f"api-key:{key.prefix}" and entry.target == "requests"
    assert entry.rows == 0 and entry.data["filters"] == {"year": "2026"}


@pytest.fixture
def superuser():
    user = f.official("root")
    user.is_superuser = True
    user.save()
    return user


def test_changing_an_officials_groups_and_scope_is_logged(as_official, superuser, kuishan):
    clerk = f.official("clerk", scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan)
    group = Group.objects.get(name="工作人员")
    client = as_official(superuser)
    url = reverse("admin:auth_user_change", args=[clerk.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "username": "clerk",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "user_permissions": [],
            "date_joined_0": timezone.localtime(clerk.date_joined).strftime("%Y-%m-%d"),
            "date_joined_1": timezone.localtime(clerk.date_joined).strftime("%H:%M:%S"),
            "official-TOTAL_FORMS": "1",
            "official-INITIAL_FORMS": "1",
            "official-MIN_NUM_FORMS": "0",
            "official-MAX_NUM_FORMS": "1",
            "official-0-id": clerk.official.pk,
            "official-0-user": clerk.pk,
            "official-0-scope": ScopeKind.DISTRICT,
            "official-0-subdistrict": "",
            "official-0-department": "",
        }
    )
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    (entry,) = entries(Action.OFFICIAL_CHANGE)
    assert entry.actor == superuser and entry.target == "clerk"
    assert entry.data["changes"]["groups"] == [[], ["工作人员"]]
    assert entry.data["changes"]["scope"] == [ScopeKind.SUBDISTRICT, ScopeKind.DISTRICT]
    assert entry.data["changes"]["subdistrict"] == [kuishan.name, None]


def test_changing_a_groups_permissions_is_logged(as_official, superuser):
    group = Group.objects.create(name="督查组")
    view_appeal = Permission.objects.get(codename="view_appeal")
    client = as_official(superuser)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "督查组", "permissions": [view_appeal.pk]}
    )
    assert response.status_code == 302
    (entry,) = entries(Action.GROUP_CHANGE)
    assert entry.target == "督查组" and entry.data == {"added": ["appeals.view_appeal"], "removed": []}


def test_each_publication_decision_is_logged(as_official, district_official):
    consenting = f.appeal_in("resolved")
    client = as_official(district_official)
    payload = {"action": "approve_publication", ACTION_CHECKBOX_NAME: [consenting.pk], "index": 0, "apply": "1"}
    client.post(reverse("admin:appeals_appeal_changelist"), payload)
    client.post(reverse("admin:appeals_appeal_changelist"), {**payload, "action": "withdraw_publication"})

    decisions = entries(Action.PUBLICATION)
    assert [(e.actor, e.target, e.data["approved"]) for e in decisions] == [
        (district_official, consenting.tracking_no, True),
        (district_official, consenting.tracking_no, False),
    ]


def test_creating_and_revoking_an_api_key_in_the_admin_is_logged(as_official, superuser):
    client = as_official(superuser)
    client.post(
        reverse("admin:apikeys_apikey_add"), {"name": "开放数据平台", "scope": "read_private", "channel": "api"}
    )
    key = ApiKey.objects.get()
    client.post(reverse("admin:apikeys_apikey_changelist"), {"action": "revoke", ACTION_CHECKBOX_NAME: [key.pk]})

    created, revoked = entries(Action.API_KEY_CREATE), entries(Action.API_KEY_REVOKE)
    assert [(e.actor, e.target, e.data["scope"]) for e in created] == [(superuser, str(key), "read_private")]
    assert [(e.actor, e.target) for e in revoked] == [(superuser, str(key))]
    assert key.key_hash not in str(created[0].data)


def test_a_key_made_with_the_command_is_logged():
    call_command("create_api_key", "12345 热线平台", "--scope", "submit")
    (entry,) = entries(Action.API_KEY_CREATE)
    assert entry.actor is None and entry.actor_name == "manage.py" and entry.target.startswith("12345 热线平台")


# --- reading the log ---------------------------------------------------------------------------


def test_a_district_official_reads_filters_and_exports_the_log(as_official, district_official):
    audit_record(action=Action.SIGN_IN, username="kuishan", target="kuishan")
    audit_record(action=Action.EXPORT, username="district", target="appeals.Appeal", rows=12)
    client = as_official(district_official)
    page = client.get(reverse("admin:audit_auditentry_changelist") + "?action__exact=export")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == entries(Action.EXPORT)

    response = export_file(client, "audit_auditentry", "csv", query="?action__exact=sign_in&q=kuishan")
    rows = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    assert [row[rows.headers.index("操作")] for row in rows] == ["登录"]
    assert entries(Action.EXPORT)[-1].target == "audit.AuditEntry", "exporting the log is logged too"


def test_only_district_officials_see_the_log(as_official, kuishan_official):
    client = as_official(kuishan_official)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403


def test_nobody_adds_changes_or_deletes_entries_in_the_admin(as_official, district_official):
    entry = audit_record(action=Action.SIGN_IN, username="kuishan")
    client = as_official(district_official)
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"target": "edited"})
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.target == ""


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_an_entry():
    entry = audit_record(action=Action.SIGN_IN, username="kuishan")
    for statement in (
        "UPDATE audit_auditentry SET actor_name = 'someone' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.actor_name == "kuishan"


def test_pruning_deletes_only_entries_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(action=Action.SIGN_IN, actor_name="old", at=now - timedelta(days=400)),
            AuditEntry(action=Action.SIGN_IN, actor_name="recent", at=now - timedelta(days=200)),
            AuditEntry(action=Action.SIGN_IN, actor_name="today", at=now),
        ]
    )
    call_command("prune_audit_log")
    assert sorted(AuditEntry.objects.values_list("actor_name", flat=True)) == ["recent", "today"]


def test_pruning_refuses_a_retention_under_180_days():
    with pytest.raises(CommandError, match="180"):
        call_command("prune_audit_log", "--days", "90")
