"""Officials find a resident's requests by the whole name, within their scope, through a blind index."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.appeals.services import appeal_purge_contacts
from apps.common.pii import name_index
from apps.common.pii_tables import reindex_columns
from tests import factories as f
from tests.admin.conftest import changelist_pks

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:appeals_appeal_changelist"


def result_pks(client, query: str) -> set[int]:
    return changelist_pks(client, CHANGELIST, query)


def test_a_whole_name_finds_the_residents_requests_however_spaced(as_official, district_official):
    hers = f.appeal(title="楼道灯坏了", submitter_name="李桂兰")
    again = f.appeal(title="门口积水", submitter_name="李 桂兰")
    other = f.appeal(title="路灯不亮", submitter_name="李桂芳")
    client = as_official(district_official)
    assert result_pks(client, "?q=李桂兰") == {hers.pk, again.pk}
    assert result_pks(client, "?q=李 桂 兰") == {hers.pk, again.pk}
    assert other.pk not in result_pks(client, "?q=李桂兰")


def test_a_part_of_a_name_finds_nothing(as_official, district_official):
    f.appeal(title="楼道灯坏了", submitter_name="李桂兰")
    client = as_official(district_official)
    assert result_pks(client, "?q=李") == set()
    assert result_pks(client, "?q=桂兰") == set()


def test_the_name_search_keeps_the_title_search(as_official, district_official):
    lamp = f.appeal(title="路灯不亮", submitter_name="王秀英")
    named = f.appeal(title="楼道漏水", submitter_name="路灯")
    assert result_pks(as_official(district_official), "?q=路灯") == {lamp.pk, named.pk}


def test_an_official_finds_names_only_in_scope(as_official, kuishan_official, kuishan, taishan):
    mine = f.appeal(submitter_name="张建国", area=f.community(parent=kuishan))
    f.appeal(submitter_name="张建国", area=f.community(parent=taishan))
    assert result_pks(as_official(kuishan_official), "?q=张建国") == {mine.pk}


def test_the_database_holds_no_name_only_its_index():
    appeal = f.appeal(submitter_name="赵丽华")
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitter_name, submitter_name_index FROM appeals_appeal WHERE id = %s", [appeal.pk])
        stored, index = cursor.fetchone()
    assert "赵丽华" not in stored and index == name_index("赵丽华") and len(index) == 32


def test_the_migration_fills_the_index_of_stored_requests(as_official, district_official):
    appeal = f.appeal(submitter_name="孙红梅")
    Appeal.objects.filter(pk=appeal.pk).update(submitter_name_index="")
    assert result_pks(as_official(district_official), "?q=孙红梅") == set()
    reindex_columns("appeals.Appeal")(django_apps, connection.schema_editor())
    assert Appeal.objects.get(pk=appeal.pk).submitter_name_index == name_index("孙红梅")
    assert result_pks(as_official(district_official), "?q=孙红梅") == {appeal.pk}


def test_purged_contacts_are_no_longer_found_by_name(as_official, district_official):
    appeal = f.appeal(submitter_name="周志强")
    Appeal.objects.filter(pk=appeal.pk).update(status="closed", closed_at=timezone.now() - timedelta(days=400))
    appeal_purge_contacts(older_than_days=365)
    assert Appeal.objects.get(pk=appeal.pk).submitter_name_index == ""
    assert result_pks(as_official(district_official), "?q=周志强") == set()
