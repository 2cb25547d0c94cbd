"""Residents' personal data is encrypted at rest (SM4, apps.common.pii) and plain to the ORM.

Every test looks at the raw rows, as someone with a copy of the database would: no name, phone
digits, contact, exact place or coordinates; the application meanwhile reads the plain values.
"""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.appeals.selectors import appeals_with_phone
from apps.appeals.services import appeal_correct, appeal_purge_contacts
from apps.demo.services import demo_seed
from tests import factories as f
from tests.public.helpers import areas, form_data

pytestmark = pytest.mark.django_db

NAME, PHONE, CONTACT, PLACE = "王秀英", "13912345678", "微信 wang_xiuying_1958", "和平小区3号楼2单元门口"
SECRETS = (NAME, PHONE, "wang_xiuying", PLACE, "34.261", "117.184")


def raw(table: str) -> str:
    """Every stored value of a table, as text, the way a dump shows it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return "\n".join(repr(row) for row in cursor.fetchall())


def raw_column(table: str, column: str) -> list:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(column)} FROM {qn(table)} ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def assert_no_personal_data(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def resident_appeal(**fields) -> Appeal:
    return f.appeal(
        submitter_name=NAME,
        submitter_phone=PHONE,
        submitter_contact=CONTACT,
        location_text=PLACE,
        latitude=Decimal("34.261234"),
        longitude=Decimal("117.184321"),
        **fields,
    )


def test_a_request_submitted_on_the_public_site_is_stored_encrypted(client):
    taishan, community, *_ = areas()
    data = form_data(taishan, community, submitter_name=NAME, submitter_phone="139-1234-5678", location_text=PLACE)
    assert client.post("/requests/new/", data).status_code == 302
    assert_no_personal_data(raw(Appeal._meta.db_table))
    assert_no_personal_data(raw(Appeal.history.model._meta.db_table))
    stored = raw_column(Appeal._meta.db_table, "submitter_phone")[0]
    assert stored.startswith("test1$")
    appeal = Appeal.objects.get()
    assert (appeal.submitter_name, appeal.submitter_phone, appeal.location_text) == (NAME, "139-1234-5678", PLACE)
    assert appeals_with_phone(Appeal.objects.all(), PHONE).get() == appeal


def test_the_orm_reads_plain_values_everywhere_and_the_history_too():
    appeal = resident_appeal()
    assert_no_personal_data(raw(Appeal._meta.db_table))
    fresh = Appeal.objects.get(pk=appeal.pk)
    assert (fresh.submitter_name, fresh.submitter_phone, fresh.submitter_contact) == (NAME, PHONE, CONTACT)
    assert (fresh.location_text, fresh.latitude, fresh.longitude) == (
        PLACE,
        Decimal("34.261234"),
        Decimal("117.184321"),
    )
    assert Appeal.objects.values_list("submitter_phone", "latitude").get() == (PHONE, Decimal("34.261234"))

    fresh.location_text = "和平小区4号楼东侧"
    appeal_correct(appeal=fresh)
    history = raw(Appeal.history.model._meta.db_table)
    assert_no_personal_data(history)
    assert "4号楼" not in history
    assert [h.location_text for h in fresh.history.order_by("history_id")] == [PLACE, "和平小区4号楼东侧"]


def test_filters_on_encrypted_fields_are_refused_instead_of_matching_nothing():
    resident_appeal()
    for lookup in ("submitter_phone", "submitter_phone__contains", "submitter_name__startswith", "latitude__gt"):
        with pytest.raises(FieldError, match="encrypted"):
            list(Appeal.objects.filter(**{lookup: "139"}))
    # Empty is stored empty, so "has no phone" still works, as does NULL for coordinates.
    assert Appeal.objects.filter(submitter_contact="").count() == 0
    assert Appeal.objects.exclude(submitter_phone="").count() == 1
    assert Appeal.objects.filter(latitude__isnull=False).count() == 1


def test_the_phone_index_follows_a_corrected_number():
    appeal = resident_appeal()
    appeal.submitter_phone = "13800001111"
    appeal.save()
    assert not appeals_with_phone(Appeal.objects.all(), PHONE).exists()
    assert appeals_with_phone(Appeal.objects.all(), "+86 138 0000 1111").get() == appeal


def test_purging_contacts_still_empties_the_encrypted_columns():
    old = resident_appeal()
    Appeal.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=800))
    assert appeal_purge_contacts(older_than_days=730) == 1
    old.refresh_from_db()
    assert (old.submitter_name, old.submitter_phone, old.location_text, old.latitude) == ("", "", "", None)
    assert raw_column(Appeal._meta.db_table, "submitter_phone") == [""]
    assert not appeals_with_phone(Appeal.objects.all(), PHONE).exists()  # nor findable by the number
    assert set(raw_column(Appeal.history.model._meta.db_table, "location_text")) == {""}


def test_rotate_pii_key_re_encrypts_every_row_and_the_history_under_the_current_key(settings):
    appeals = [resident_appeal() for _ in range(5)]
    appeal_correct(appeal=appeals[0])
    settings.PII_KEY_ID = "test2"
    call_command("rotate_pii_key", batch_size=2, stdout=io.StringIO())
    for table, column in (
        (Appeal._meta.db_table, "submitter_name"),
        (Appeal._meta.db_table, "submitter_phone"),
        (Appeal._meta.db_table, "latitude"),
        (Appeal.history.model._meta.db_table, "location_text"),
        (Appeal.history.model._meta.db_table, "longitude"),
    ):
        assert {value.split("$")[0] for value in raw_column(table, column)} == {"test2"}, (table, column)
    # The old key can now leave the ring: everything still reads.
    settings.PII_KEYS = settings.PII_KEYS.split(",")[1]
    assert {a.submitter_phone for a in Appeal.objects.all()} == {PHONE}
    assert {h.location_text for h in Appeal.history.all()} == {PLACE}
    assert appeals_with_phone(Appeal.objects.all(), PHONE).count() == 5


def test_rotate_pii_key_rebuilds_the_blind_index_under_a_new_index_key(settings):
    appeal = resident_appeal()
    settings.PII_INDEX_KEY = "bmV3LWJsaW5kLWluZGV4LWtleS1mb3ItdGhlLXRlc3Q="
    assert not appeals_with_phone(Appeal.objects.all(), PHONE).exists()
    call_command("rotate_pii_key", stdout=io.StringIO())
    assert appeals_with_phone(Appeal.objects.all(), PHONE).get() == appeal


def test_rotate_pii_key_leaves_rows_already_under_the_current_key_alone():
    resident_appeal()
    before = raw(Appeal._meta.db_table)
    call_command("rotate_pii_key", stdout=io.StringIO())
    assert raw(Appeal._meta.db_table) == before


def test_the_demo_data_is_stored_encrypted_and_found_by_phone(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed(seed=2, today=timezone.localdate() - timedelta(days=2), projects=6, requests=120)
    people = list(Appeal.objects.exclude(submitter_phone="").values_list("submitter_name", "submitter_phone"))
    names, phones = [name for name, _ in people], [phone for _, phone in people]
    text = raw(Appeal._meta.db_table)
    assert not [phone for phone in phones if phone in text]
    for column in ("submitter_name", "submitter_phone", "submitter_contact", "location_text", "latitude", "longitude"):
        stored = {value.split("$")[0] for value in raw_column(Appeal._meta.db_table, column) if value}
        assert stored == {"test1"}, column
    assert Appeal.objects.filter(latitude__isnull=False).exists()
    assert names[0] in {a.submitter_name for a in appeals_with_phone(Appeal.objects.all(), phones[0])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_of_the_database_holds_no_personal_data():
    resident_appeal()
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], "-d", db["NAME"]]
    if db["PORT"]:
        command += ["-p", str(db["PORT"])]
    dump = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout
    assert "楼道灯坏了" in dump  # the dump has the request; only its personal fields are sealed
    assert_no_personal_data(dump)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_requests_a_database_already_holds():
    from django.db.migrations.executor import MigrationExecutor

    before = [("appeals", "0002_initial")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        district = old.get_model("places", "Area").objects.create(name="泉山区", level=0)
        now = timezone.now()
        appeal = old.get_model("appeals", "Appeal").objects.create(
            tracking_no="QS-2025-000001",
            area=district,
            subdistrict=district,
            title="路灯不亮",
            content="晚上很黑",
            response_due=now,
            resolve_due=now,
            submitter_name=NAME,
            submitter_phone=PHONE,
            submitter_contact=CONTACT,
            location_text=PLACE,
            latitude=Decimal("34.261234"),
            longitude=Decimal("117.184321"),
        )
        old.get_model("appeals", "HistoricalAppeal").objects.create(
            id=appeal.pk,
            tracking_no=appeal.tracking_no,
            area=district,
            subdistrict=district,
            title="路灯不亮",
            content="晚上很黑",
            response_due=now,
            resolve_due=now,
            location_text=PLACE,
            latitude=Decimal("34.261234"),
            longitude=Decimal("117.184321"),
            history_date=now,
            history_type="+",
            updated_at=now,
        )
        assert PHONE in raw(Appeal._meta.db_table)

        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        assert_no_personal_data(raw(Appeal._meta.db_table))
        assert_no_personal_data(raw(Appeal.history.model._meta.db_table))
        migrated = appeals_with_phone(Appeal.objects.all(), PHONE).get()
        assert (migrated.submitter_name, migrated.submitter_contact, migrated.location_text) == (NAME, CONTACT, PLACE)
        assert (migrated.latitude, migrated.longitude) == (Decimal("34.261234"), Decimal("117.184321"))
        assert migrated.history.get().location_text == PLACE
    finally:
        MigrationExecutor(connection).migrate(latest)
