"""POST /api/v1/requests/<id>/transitions/ for the whole 12345 loop: the dispatch key's steps, the
unit's steps, 403 for a step the key may not take, 409 with the allowed actions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.models import Status
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def url(appeal) -> str:
    return f"/api/v1/requests/{appeal.pk}/transitions/"


def post(client, appeal, body: dict):
    return client.post(url(appeal), body, format="json")


@pytest.fixture
def kuishan():
    area = factories.subdistrict("奎山街道")
    area.code = "320311004000"
    area.save(update_fields=["code"])
    return area


@pytest.fixture
def dispatch_client(db):
    return keyed_client(api_key_create(name="12345 热线平台", scope=ApiScope.DISPATCH)[1])


@pytest.fixture
def kuishan_dispatch_client(kuishan):
    return keyed_client(api_key_create(name="奎山街道派单", scope=ApiScope.DISPATCH, area=kuishan)[1])


def day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_the_dispatch_key_accepts_with_urgency_and_assigns(dispatch_client, department):
    appeal = factories.appeal(title="小区里有燃气味", content="楼道燃气味很重")
    assert appeal.urgency == "urgent"  # suggested by the hazard word
    response = post(dispatch_client, appeal, {"action": "accept", "urgency": "urgent", "note": "已核实"})
    assert response.status_code == 200
    assert response.json()["urgency"] == "urgent"
    response = post(dispatch_client, appeal, {"action": "assign", "department": "zhujian"})
    assert response.json()["status"] == "assigned"


def test_a_department_key_cannot_take_the_dispatchers_steps(department_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    response = post(department_client, appeal, {"action": "supervise", "level": "key", "answer_by": day(2)})
    assert response.status_code == 403
    response = post(department_client, factories.appeal_in("resolved", handler=department), {"action": "rate"})
    assert response.status_code == 403


def test_the_dispatch_key_cannot_take_the_units_steps(dispatch_client, department):
    appeal = factories.appeal_in("assigned", handler=department)
    assert post(dispatch_client, appeal, {"action": "sign"}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_a_subdistrict_dispatch_key_stays_in_its_subdistrict(kuishan_dispatch_client, kuishan):
    mine = factories.appeal(area=factories.community(parent=kuishan))
    theirs = factories.appeal(area=factories.community())
    assert post(kuishan_dispatch_client, mine, {"action": "accept"}).status_code == 200
    assert post(kuishan_dispatch_client, theirs, {"action": "accept"}).status_code == 404


def test_extension_asked_by_the_unit_and_decided_by_the_dispatcher(dispatch_client, department_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    until = (timezone.localtime(appeal.resolve_due) + timedelta(days=3)).date().isoformat()
    body = {"action": "request_extension", "until": until, "reason": "需协调供电部门停电施工"}
    response = post(department_client, appeal, body)
    assert response.status_code == 200
    assert response.json()["extension_until"].startswith(until)
    assert post(department_client, appeal, {"action": "approve_extension"}).status_code == 403
    response = post(dispatch_client, appeal, {"action": "approve_extension", "note": "同意"})
    assert response.status_code == 200
    assert response.json()["resolve_due"].startswith(until) and response.json()["extensions"] == 1
    response = post(department_client, appeal, {**body, "until": day(30)})
    assert response.status_code == 409
    assert "request_extension" not in response.json()["error"]["allowed_actions"]


def test_a_refused_extension_needs_a_note(dispatch_client, department_client, department):
    appeal = factories.appeal_in("assigned", handler=department)
    until = (timezone.localtime(appeal.resolve_due) + timedelta(days=1)).date().isoformat()
    post(department_client, appeal, {"action": "request_extension", "until": until, "reason": "人手不足"})
    assert post(dispatch_client, appeal, {"action": "refuse_extension"}).status_code == 400
    response = post(dispatch_client, appeal, {"action": "refuse_extension", "note": "时限内可以完成"})
    assert response.status_code == 200 and response.json()["extension_until"] is None


def test_supervision_and_its_answer(dispatch_client, department_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    response = post(department_client, appeal, {"action": "answer_supervision", "note": "已处理"})
    assert response.status_code == 409 and response.json()["error"]["allowed_actions"]
    body = {"action": "supervise", "level": "key", "answer_by": day(2), "note": "群众反映强烈"}
    response = post(dispatch_client, appeal, body)
    assert response.status_code == 200 and response.json()["supervision"] == "key"
    response = post(department_client, appeal, {"action": "answer_supervision", "note": "本周内完成维修"})
    assert response.status_code == 200 and response.json()["supervision_answered_at"]


def test_revisit_reopen_and_close_explained(dispatch_client, department_client, department):
    appeal = factories.appeal_in("resolved", handler=department)
    response = post(dispatch_client, appeal, {"action": "revisit", "solved": "no", "rating": "unsatisfied"})
    assert response.status_code == 200 and response.json()["status"] == "review"
    assert post(department_client, appeal, {"action": "reopen"}).status_code == 403
    response = post(dispatch_client, appeal, {"action": "reopen", "note": "回访不满意", "reply": "已要求重新办理。"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reopen_count"]) == ("assigned", 1)
    post(department_client, appeal, {"action": "sign"})
    post(department_client, appeal, {"action": "resolve", "reply": "已再次维修。"})
    post(dispatch_client, appeal, {"action": "revisit", "solved": "partly", "rating": "unsatisfied"})
    body = {"action": "close_explained", "reason": "policy", "reply": "根据现行政策，暂不具备条件。"}
    response = post(dispatch_client, appeal, body)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["closure"]) == ("closed", "explained")


def test_merge_by_tracking_number(dispatch_client):
    main, duplicate = factories.appeal(), factories.appeal()
    response = post(dispatch_client, duplicate, {"action": "merge", "into": main.tracking_no})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["merged_into"]) == ("merged", main.tracking_no)
    assert post(dispatch_client, duplicate, {"action": "accept"}).status_code == 409
    assert post(dispatch_client, main, {"action": "merge", "into": "QS-2001-000009"}).status_code == 400


def test_a_wrong_state_is_409_with_the_allowed_actions(dispatch_client):
    appeal = factories.appeal()
    response = post(dispatch_client, appeal, {"action": "reopen"})
    assert response.status_code == 409
    assert response.json()["error"]["allowed_actions"] == ["accept", "reject", "merge"]


def test_the_private_detail_lists_every_event_field(dispatch_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    post(dispatch_client, appeal, {"action": "supervise", "level": "general", "answer_by": day(3), "note": "请加快"})
    district = factories.official("district")
    from apps.appeals.services import appeal_transition

    appeal_transition(appeal=appeal, action="resolve", reply="已修复。", by=district, proxy_reason="单位系统故障")
    events = dispatch_client.get(f"/api/v1/requests/{appeal.pk}/").json()["events"]
    supervise, resolve = events[-2], events[-1]
    assert (supervise["reason"], supervise["until"] is not None) == ("general", True)
    assert resolve["proxy_reason"] == "单位系统故障" and resolve["department"]["code"] == "zhujian"


def test_create_api_key_makes_a_dispatch_key_for_one_subdistrict(kuishan):
    out = io.StringIO()
    call_command("create_api_key", "奎山街道", "--scope", "dispatch", "--area", "320311004000", stdout=out)
    from apps.apikeys.models import ApiKey

    key = ApiKey.objects.get(name="奎山街道")
    assert (key.scope, key.area) == ("dispatch", kuishan)
    assert key.appeal_scope.subdistrict_id == kuishan.pk


def test_the_private_detail_shows_the_class_confirmed_at_accept(dispatch_client):
    appeal = factories.appeal()
    post(dispatch_client, appeal, {"action": "accept", "category": "010101", "urgency": "urgent"})
    accept = dispatch_client.get(f"/api/v1/requests/{appeal.pk}/").json()["events"][-1]
    assert (accept["action"], accept["reason"]) == ("accept", "urgent")
    assert (accept["category"]["code"], accept["category"]["level"]) == ("010101", 3)


def test_the_schema_documents_the_allowed_actions_of_a_409(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert "allowed_actions" in error["properties"] and "allowed_actions" not in error["required"]


def test_a_closed_request_is_labelled_closed_whichever_way_it_closed(dispatch_client, department):
    # Not 已评价: a request closed by 解释说明 (or as 未评价) was not rated; `closure` says how it closed.
    appeal = factories.appeal_in("resolved", handler=department)
    post(dispatch_client, appeal, {"action": "revisit", "solved": "no", "rating": "unsatisfied"})
    body = {"action": "close_explained", "reason": "policy", "reply": "根据现行政策，暂不具备条件。"}
    data = post(dispatch_client, appeal, body).json()
    assert (data["status"], data["status_label"], data["closure"]) == ("closed", "已关闭", "explained")
    english = dispatch_client.get(f"/api/v1/requests/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["status_label"] == "Closed"


def test_a_revisits_comment_is_kept_on_its_event_and_stays_private(dispatch_client, api, department):
    appeal = factories.appeal_in("resolved", handler=department, consent_to_publish=True)
    body = {"action": "revisit", "solved": "no", "rating": "unsatisfied", "comment": "我家3号楼201还是漏水"}
    post(dispatch_client, appeal, body)
    post(dispatch_client, appeal, {"action": "reopen", "reply": "已要求重新办理。"})
    detail = dispatch_client.get(f"/api/v1/requests/{appeal.pk}/").json()
    assert detail["rating_comment"] == ""  # cleared for the next answer; the event keeps it
    revisit = next(event for event in detail["events"] if event["action"] == "revisit")
    assert revisit["comment"] == "我家3号楼201还是漏水"
    assert "3号楼201" not in str(detail["timeline"])
    from apps.appeals.services import appeal_set_publication

    appeal_set_publication(appeal=appeal, approved=True)
    public = api.get(f"/api/v1/requests/{appeal.pk}/").json()
    assert "漏水" not in str(public)


def test_the_workflows_refusals_answer_in_chinese_and_english(dispatch_client, department_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    wrong_actor = post(department_client, appeal, {"action": "supervise", "level": "key", "answer_by": day(2)})
    proxy_without_reason = post(dispatch_client, appeal, {"action": "resolve", "reply": "已修复。"})
    for response, english in [
        (wrong_actor, "“supervise” is for the district's or the subdistrict's dispatchers, not a unit."),
        (proxy_without_reason, "“resolve” is for the handling unit; a district official acting for it must give"),
    ]:
        assert response.status_code == 403
        chinese, _, rest = response.json()["error"]["message"].partition(" / ")
        assert "办理" in chinese and rest.startswith(english)
