"""主办/协办 and 代办 through POST /api/v1/requests/<id>/transitions/: assign with co_departments,
co_reply by a co-department's key only (403 for anyone else, 409 when nothing is owed), and a
district dispatch key acting for a unit only as 代办 with a reason."""

from __future__ import annotations

import pytest

from apps.apikeys.models import ApiScope
from apps.apikeys.services import api_key_create
from apps.appeals.services import appeal_set_publication
from tests import factories
from tests.api.conftest import keyed_client

pytestmark = pytest.mark.django_db


def post(client, appeal, body: dict):
    return client.post(f"/api/v1/requests/{appeal.pk}/transitions/", body, format="json")


def key_of(department):
    raw = api_key_create(name=f"{department.name}系统", scope=ApiScope.DEPARTMENT, department=department)[1]
    return keyed_client(raw)


@pytest.fixture
def gas():
    return factories.department(name="华润燃气", code="gas")


@pytest.fixture
def city():
    return factories.department(name="区城市管理局", code="chengguan")


@pytest.fixture
def dispatch_client(db):
    return keyed_client(api_key_create(name="12345 热线平台", scope=ApiScope.DISPATCH)[1])


@pytest.fixture
def kuishan():
    return factories.subdistrict("奎山街道")


@pytest.fixture
def kuishan_dispatch_client(kuishan):
    return keyed_client(api_key_create(name="奎山街道派单", scope=ApiScope.DISPATCH, area=kuishan)[1])


def test_assign_with_co_departments_and_each_answers(dispatch_client, department, gas, city):
    appeal = factories.appeal_in("accepted")
    body = {"action": "assign", "department": "zhujian", "co_departments": ["gas", "chengguan"], "note": "燃气管线"}
    response = post(dispatch_client, appeal, body)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["department"]["code"] == "zhujian"
    rows = {row["department"]["code"]: row for row in data["co_assignments"]}
    assert set(rows) == {"gas", "chengguan"}
    assert all(row["replied_at"] is None and row["overdue"] is False and row["due"] for row in rows.values())

    response = post(key_of(gas), appeal, {"action": "co_reply", "note": "已关阀检测，无泄漏"})
    assert response.status_code == 200, response.json()
    data = response.json()
    replied = {row["department"]["code"]: row for row in data["co_assignments"]}["gas"]
    assert replied["note"] == "已关阀检测，无泄漏" and replied["actor"] == "华润燃气" and replied["replied_at"]
    event = next(e for e in data["events"] if e["action"] == "co_reply")
    assert event["department"]["code"] == "gas" and event["note"] == "已关阀检测，无泄漏"
    assert event["proxy_reason"] == ""

    # Nothing more owed by 燃气: its second answer is a step the state does not allow.
    response = post(key_of(gas), appeal, {"action": "co_reply", "note": "补充"})
    assert response.status_code == 409
    assert "co_reply" in response.json()["error"]["allowed_actions"]  # 城管局 still owes its answer
    assert post(key_of(city), appeal, {"action": "co_reply", "note": "已清理占道"}).status_code == 200
    response = post(key_of(city), appeal, {"action": "co_reply", "note": "再次"})
    assert response.status_code == 409
    assert "co_reply" not in response.json()["error"]["allowed_actions"]


def test_a_co_reply_needs_a_note(department, gas):
    appeal = factories.appeal_in("assigned", handler=department, co_departments=[gas])
    response = post(key_of(gas), appeal, {"action": "co_reply"})
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]


def test_an_unknown_co_department_code_is_a_field_error(dispatch_client, department):
    response = post(
        dispatch_client,
        factories.appeal_in("accepted"),
        {"action": "assign", "department": "zhujian", "co_departments": ["nobody"]},
    )
    assert response.status_code == 400 and "co_departments" in response.json()["error"]["fields"]


def test_the_lead_named_as_co_department_is_a_field_error(dispatch_client, department):
    response = post(
        dispatch_client,
        factories.appeal_in("accepted"),
        {"action": "assign", "department": "zhujian", "co_departments": ["zhujian"]},
    )
    assert response.status_code == 400 and "co_departments" in response.json()["error"]["fields"]


def test_the_lead_and_other_units_cannot_answer_for_a_co_department(department_client, department, gas):
    appeal = factories.appeal_in("in_progress", handler=department, co_departments=[gas])
    assert post(department_client, appeal, {"action": "co_reply", "note": "已配合"}).status_code == 403
    other = key_of(factories.department(name="区民政局", code="minzheng"))
    # Another unit does not even see an unpublished request; a published one it may not touch.
    assert post(other, appeal, {"action": "co_reply", "note": "已配合"}).status_code == 404
    appeal_set_publication(appeal=appeal, approved=True)
    assert post(other, appeal, {"action": "co_reply", "note": "已配合"}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.co_pending == 1


def test_a_subdistrict_dispatch_key_cannot_answer_or_act_for_a_unit(kuishan_dispatch_client, kuishan, department, gas):
    appeal = factories.appeal_in(
        "in_progress", handler=department, co_departments=[gas], area=factories.community(parent=kuishan)
    )
    body = {"action": "co_reply", "note": "已配合", "proxy_reason": "帮忙"}
    assert post(kuishan_dispatch_client, appeal, body).status_code == 403
    body = {"action": "resolve", "reply": "已修复。", "proxy_reason": "帮忙"}
    assert post(kuishan_dispatch_client, appeal, body).status_code == 403


def test_co_reply_when_no_co_department_is_owed_is_409(department_client, department):
    appeal = factories.appeal_in("in_progress", handler=department)
    response = post(department_client, appeal, {"action": "co_reply", "note": "已配合"})
    assert response.status_code == 409
    assert response.json()["error"]["allowed_actions"] == [
        "return",
        "request_extension",
        "supervise",
        "resolve",
        "merge",
    ]


def test_the_district_dispatch_key_acts_for_a_unit_only_with_a_reason(dispatch_client, department, gas):
    appeal = factories.appeal_in("assigned", handler=department, co_departments=[gas])
    assert post(dispatch_client, appeal, {"action": "sign"}).status_code == 403
    response = post(dispatch_client, appeal, {"action": "sign", "proxy_reason": "住建局系统停机，电话委托"})
    assert response.status_code == 200
    sign = next(e for e in response.json()["events"] if e["action"] == "sign")
    assert sign["proxy_reason"] == "住建局系统停机，电话委托" and sign["department"]["code"] == "zhujian"
    assert post(dispatch_client, appeal, {"action": "co_reply", "note": "已检测"}).status_code == 403
    body = {"action": "co_reply", "note": "已检测", "proxy_reason": "燃气公司电话委托", "department": "gas"}
    response = post(dispatch_client, appeal, body)
    assert response.status_code == 200
    row = response.json()["co_assignments"][0]
    assert row["proxy_reason"] == "燃气公司电话委托" and row["actor"] == "12345 热线平台"
    # Counted apart: the events carry the reason, the unit's own steps none.
    appeal.refresh_from_db()
    assert appeal.events.exclude(proxy_reason="").count() == 2


def test_the_private_detail_lists_co_assignments_in_a_fixed_number_of_queries(
    private_client, department, gas, city, django_assert_max_num_queries
):
    appeal = factories.appeal_in("assigned", handler=department, co_departments=[gas, city])
    private_client.get(f"/api/v1/requests/{appeal.pk}/")
    with django_assert_max_num_queries(12) as captured:
        response = private_client.get(f"/api/v1/requests/{appeal.pk}/")
    assert response.status_code == 200 and len(response.json()["co_assignments"]) == 2
    few = len(captured)
    more = factories.appeal_in("assigned", handler=department, co_departments=[gas, city, factories.department()])
    with django_assert_max_num_queries(few):
        assert len(private_client.get(f"/api/v1/requests/{more.pk}/").json()["co_assignments"]) == 3


def test_the_public_detail_shows_no_co_assignment_fields(api, department, gas):
    appeal = factories.appeal_in("in_progress", handler=department, co_departments=[gas])
    key_response = post(key_of(gas), appeal, {"action": "co_reply", "note": "已检测，内部意见"})
    assert key_response.status_code == 200
    appeal_set_publication(appeal=appeal, approved=True)
    data = api.get(f"/api/v1/requests/{appeal.pk}/").json()
    assert "co_assignments" not in data and "已检测，内部意见" not in str(data)
    co_steps = [step for step in data["timeline"] if step["action"] == "co_reply"]
    assert co_steps and co_steps[0]["actor"] == "协办单位"


def test_a_co_department_signs_once_then_answers(department_client, department, gas, city):
    appeal = factories.appeal_in("in_progress", handler=department, co_departments=[gas, city])
    assert post(department_client, appeal, {"action": "co_sign"}).status_code == 403  # the lead is no co-department
    response = post(key_of(gas), appeal, {"action": "co_sign", "note": "已安排人员"})
    assert response.status_code == 200, response.json()
    rows = {row["department"]["code"]: row for row in response.json()["co_assignments"]}
    assert rows["gas"]["signed_at"] and rows["gas"]["replied_at"] is None
    assert rows["chengguan"]["signed_at"] is None
    event = response.json()["events"][-1]
    assert (event["action"], event["department"]["code"], event["status"]) == ("co_sign", "gas", "in_progress")
    again = post(key_of(gas), appeal, {"action": "co_sign"})
    assert again.status_code == 409
    assert "co_reply" in again.json()["error"]["allowed_actions"]
    signed_at = rows["gas"]["signed_at"]
    response = post(key_of(gas), appeal, {"action": "co_reply", "note": "已更换燃气立管"})
    assert {r["department"]["code"]: r["signed_at"] for r in response.json()["co_assignments"]}["gas"] == signed_at


def test_answering_without_signing_signs_too(gas):
    appeal = factories.appeal_in("assigned", co_departments=[gas])
    response = post(key_of(gas), appeal, {"action": "co_reply", "note": "已配合检查"})
    (row,) = response.json()["co_assignments"]
    assert row["signed_at"] == row["replied_at"] is not None
    assert post(key_of(gas), appeal, {"action": "co_sign"}).status_code == 409


def test_a_district_key_signs_for_a_co_department_only_as_proxy(dispatch_client, gas):
    appeal = factories.appeal_in("assigned", co_departments=[gas])
    assert post(dispatch_client, appeal, {"action": "co_sign"}).status_code == 403
    response = post(dispatch_client, appeal, {"action": "co_sign", "proxy_reason": "系统故障，电话确认"})
    assert response.status_code == 200
    assert response.json()["events"][-1]["proxy_reason"] == "系统故障，电话确认"
    assert response.json()["co_assignments"][0]["signed_at"]


def test_the_public_does_not_see_a_co_department_sign(api, gas):
    appeal = factories.appeal_in("assigned", co_departments=[gas], consent_to_publish=True)
    appeal_set_publication(appeal=appeal, approved=True)
    post(key_of(gas), appeal, {"action": "co_sign"})
    timeline = api.get(f"/api/v1/requests/{appeal.pk}/").json()["timeline"]
    assert "co_sign" not in [step["action"] for step in timeline]


def test_the_assign_event_lists_its_co_departments_in_the_private_detail_only(dispatch_client, department, gas, city):
    appeal = factories.appeal_in("accepted", consent_to_publish=True)
    body = {"action": "assign", "department": "zhujian", "co_departments": ["gas", "chengguan"]}
    assign = post(dispatch_client, appeal, body).json()["events"][-1]
    assert assign["action"] == "assign" and assign["department"]["code"] == "zhujian"
    assert sorted(co["code"] for co in assign["co_departments"]) == ["chengguan", "gas"]
    appeal_set_publication(appeal=appeal, approved=True)
    public = dispatch_client.get(f"/api/v1/requests/{appeal.pk}/").json()["timeline"]
    assert all("co_departments" not in step for step in public)
