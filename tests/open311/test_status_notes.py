"""Open311 keeps `open`/`closed`; `status_notes` carries our finer state (派单 and its unit,
延期至, 重办, how a request was closed, 重复件) and the public reply, in JSON and XML alike,
never the office's 督办 or a pending extension request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.common.workdays import add_working_days
from tests import factories as f
from tests.conftest import _clear_caches
from tests.open311.helpers import body, published, xml

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


@pytest.fixture
def zhujian():
    return f.department("区住房和城乡建设局")


def step(appeal, action, **kwargs):
    return appeal_transition(appeal=appeal, action=action, **kwargs)


def only_item(client) -> dict:
    _clear_caches()  # answers may lag a change by up to a minute; here each read is fresh
    [item] = body(client.get(URL))
    return item


def test_an_assigned_request_is_open_and_names_its_unit(client, places, zhujian):
    appeal = published(area=places["community"])
    step(appeal, "accept")
    step(appeal, "assign", department=zhujian)
    item = only_item(client)
    assert (item["status"], item["status_notes"]) == ("open", "已派单 · 区住房和城乡建设局")
    [element] = xml(client.get("/open311/v2/requests.xml")).findall("request")
    assert element.findtext("status_notes") == "已派单 · 区住房和城乡建设局"


def test_an_approved_extension_shows_its_new_date_but_not_the_asking_or_the_supervision(client, places, zhujian):
    appeal = published(area=places["community"])
    for action in ("accept", "sign"):
        if action == "sign":
            step(appeal, "assign", department=zhujian)
        step(appeal, action)
    appeal.refresh_from_db()
    until = add_working_days(appeal.resolve_due, 3)
    step(appeal, "request_extension", until=until, reason="需协调管线单位")
    step(appeal, "supervise", level="key", until=timezone.now() + timedelta(days=2))
    assert only_item(client)["status_notes"] == "办理中 · 区住房和城乡建设局"  # asked, not yet decided
    step(appeal, "approve_extension")
    notes = only_item(client)["status_notes"]
    day = timezone.localtime(until).date().isoformat()
    assert notes == f"办理中 · 区住房和城乡建设局 · 延期至 {day}"
    assert "督办" not in notes and "管线" not in notes


def test_a_reopened_request_says_so_and_a_merged_one_is_closed(client, places, zhujian):
    appeal = f.appeal_in("review", handler=zhujian, area=places["community"])
    appeal_set_publication(appeal=appeal, approved=True)
    step(appeal, "reopen", reply="已要求承办单位重新办理。")
    item = only_item(client)
    assert item["status"] == "open"
    assert item["status_notes"].startswith("已派单 · 区住房和城乡建设局 · 重办（第 1 次）")
    duplicate = published(area=places["community"])
    step(duplicate, "merge", into=appeal)
    _clear_caches()
    items = {i["service_request_id"]: i for i in body(client.get(URL))}
    merged = items[duplicate.tracking_no]
    assert merged["status"] == "closed"
    assert merged["status_notes"].startswith("重复件 · 与相同诉求合并办理")


def test_a_closed_request_says_how_it_was_closed_and_gives_the_public_reply(client, places, zhujian):
    appeal = published(area=places["community"])
    step(appeal, "accept")
    step(appeal, "assign", department=zhujian)
    step(appeal, "sign")
    step(appeal, "resolve", reply="已更换楼道灯，电话13912345678。")
    step(appeal, "expire")
    item = only_item(client)
    assert item["status"] == "closed"
    assert item["status_notes"] == "未评价 · 区住房和城乡建设局。答复：已更换楼道灯，电话***********。"
