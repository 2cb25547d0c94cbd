"""主办/协办 and bulk 代办 through the back office: the assign form's co-departments, the
co-department's 协办回复 page, refusals, the flag for a late co-department, the 协办待回复 queue
equal to its list, and district officials' bulk 签收/办结 for units with a 代办 reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.appeals.models import Appeal, AppealEvent, Status
from tests import factories as f
from tests.admin.conftest import changelist_pks, staff

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:appeals_appeal_changelist"


def url(appeal, action: str) -> str:
    return reverse("admin:appeals_appeal_workflow", args=[appeal.pk, action])


def change_page(client, appeal) -> str:
    response = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def gas():
    return f.department("华润燃气")


@pytest.fixture
def gas_official(gas):
    return staff(f.official("gas", scope=ScopeKind.DEPARTMENT, department=gas))


def test_the_dispatcher_assigns_a_lead_and_co_departments(as_official, district_official, zhujian, gas):
    appeal = f.appeal_in("accepted")
    client = as_official(district_official)
    page = client.get(url(appeal, "assign")).content.decode()
    assert "主办单位" in page and 'name="co_departments"' in page and "multiple" in page
    response = client.post(url(appeal, "assign"), {"department": zhujian.pk, "co_departments": [gas.pk]})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.department == zhujian and appeal.co_pending == 1
    assert list(appeal.co_assignments.values_list("department", flat=True)) == [gas.pk]
    page = change_page(client, appeal)
    assert "协办单位" in page and "华润燃气" in page and "待回复" in page


def test_the_lead_named_as_co_department_is_a_form_error(as_official, district_official, zhujian):
    appeal = f.appeal_in("accepted")
    response = as_official(district_official).post(
        url(appeal, "assign"), {"department": zhujian.pk, "co_departments": [zhujian.pk]}
    )
    assert response.status_code == 200
    assert "主办单位不能同时是协办单位" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED


def test_the_co_department_answers_from_its_own_page(as_official, gas_official, gas, zhujian):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    client = as_official(gas_official)
    page = change_page(client, appeal)  # in its scope now
    assert url(appeal, "co_reply") in page
    form = client.get(url(appeal, "co_reply")).content.decode()
    assert "协办意见" in form and "代办原因" not in form
    assert client.post(url(appeal, "co_reply"), {"note": ""}).status_code == 200  # the contribution is required
    response = client.post(url(appeal, "co_reply"), {"note": "已核查燃气管线，无泄漏"})
    assert response.status_code == 302
    row = appeal.co_assignments.get()
    assert row.note == "已核查燃气管线，无泄漏" and row.replied_by == gas_official
    assert appeal.events.get(action="co_reply").department == gas
    # Answered: no further 协办回复 on offer, and the timeline shows the answer.
    page = change_page(client, appeal)
    assert url(appeal, "co_reply") not in page and "已核查燃气管线，无泄漏" in page


def test_the_lead_and_a_subdistrict_official_are_refused(as_official, zhujian_official, zhujian, gas, kuishan):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas], area=f.community(parent=kuishan))
    client = as_official(zhujian_official)
    assert url(appeal, "co_reply") not in change_page(client, appeal)  # not offered to the lead
    response = client.post(url(appeal, "co_reply"), {"note": "我来回复"})
    assert any("只能由该诉求的协办单位办理" in m for m in messages_of(response))
    kuishan_official = staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan))
    response = as_official(kuishan_official).post(url(appeal, "co_reply"), {"note": "我来回复"})
    assert any("只能由该诉求的协办单位办理" in m for m in messages_of(response))
    appeal.refresh_from_db()
    assert appeal.co_pending == 1


def test_another_unit_cannot_open_the_request(as_official, zhujian, gas):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    other = staff(f.official(scope=ScopeKind.DEPARTMENT, department=f.department("区民政局")))
    response = as_official(other).post(url(appeal, "co_reply"), {"note": "已配合"})
    assert response.status_code in (302, 404)
    appeal.refresh_from_db()
    assert appeal.co_pending == 1


def test_a_district_official_answers_as_proxy_for_a_named_co_department(as_official, district_official, zhujian, gas):
    appeal = f.appeal_in("assigned", handler=zhujian, co_departments=[gas])
    client = as_official(district_official)
    form = client.get(url(appeal, "co_reply")).content.decode()
    assert "代办原因" in form and "代为回复的协办单位" in form
    assert client.post(url(appeal, "co_reply"), {"note": "已配合", "department": gas.pk}).status_code == 200
    response = client.post(
        url(appeal, "co_reply"), {"note": "已配合", "department": gas.pk, "proxy_reason": "燃气公司电话委托"}
    )
    assert response.status_code == 302
    assert appeal.co_assignments.get().proxy_reason == "燃气公司电话委托"
    assert appeal.events.get(action="co_reply").proxy_reason == "燃气公司电话委托"


def test_a_late_co_department_is_flagged_on_the_request(as_official, district_official, zhujian, gas):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    appeal.co_assignments.update(due=timezone.now() - timedelta(hours=2))
    assert "协办超期" in change_page(as_official(district_official), appeal)


def test_the_co_reply_queue_counts_what_its_list_shows(as_official, gas_official, gas, zhujian):
    waiting = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    late = f.appeal_in("assigned", handler=zhujian, co_departments=[gas])
    late.co_assignments.update(due=timezone.now() - timedelta(days=1))
    answered = f.appeal_in("assigned", handler=zhujian, co_departments=[gas])
    answered.co_assignments.update(replied_at=timezone.now(), note="已处理")
    Appeal.objects.filter(pk=answered.pk).update(co_pending=0)
    f.appeal_in("resolved", handler=zhujian, co_departments=[gas])  # the lead resolved: nothing owed now
    f.appeal_in("assigned", handler=gas)  # its own request as lead
    client = as_official(gas_official)
    bench = client.get(reverse("admin:index")).context["workbench"]
    tiles = {tile.key: tile for tile in bench.appeal_tiles}
    assert tiles["co_reply"].count == 2 and tiles["co_overdue"].count == 1
    assert tiles["to_sign"].count == 1  # its own, not the lead's it co-handles
    assert changelist_pks(client, CHANGELIST, "?queue=co_reply") == {waiting.pk, late.pk}
    assert changelist_pks(client, CHANGELIST, "?queue=co_overdue") == {late.pk}
    assert changelist_pks(client, CHANGELIST, "?queue=to_sign") == set(
        Appeal.objects.filter(department=gas).values_list("pk", flat=True)
    )


def post_action(client, action: str, appeals, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in appeals], "index": 0, **data}
    return client.post(reverse(CHANGELIST), payload)


def test_bulk_sign_by_a_district_official_asks_the_proxy_reason_first(as_official, district_official, zhujian):
    one, two = f.appeal_in("assigned", handler=zhujian), f.appeal_in("assigned", handler=zhujian)
    client = as_official(district_official)
    page = post_action(client, "sign_selected", [one, two])
    assert page.status_code == 200 and "代办原因" in page.content.decode()
    assert not AppealEvent.objects.filter(action="sign").exists()
    page = post_action(client, "sign_selected", [one, two], apply="1", proxy_reason="")
    assert page.status_code == 200  # the reason is required
    response = post_action(client, "sign_selected", [one, two], apply="1", proxy_reason="住建局系统停机，电话委托")
    assert response.status_code == 302
    assert set(Appeal.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)) == {Status.IN_PROGRESS}
    signs = AppealEvent.objects.filter(action="sign")
    assert signs.count() == 2 and set(signs.values_list("proxy_reason", flat=True)) == {"住建局系统停机，电话委托"}


def test_bulk_resolve_by_a_district_official_records_the_proxy(as_official, district_official, zhujian):
    appeal = f.appeal_in("in_progress", handler=zhujian)
    client = as_official(district_official)
    page = post_action(client, "resolve_selected", [appeal]).content.decode()
    assert "答复内容" in page and "代办原因" in page
    response = post_action(
        client, "resolve_selected", [appeal], apply="1", reply="已修复。", proxy_reason="住建局人员外出，电话委托"
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert appeal.events.get(action="resolve").proxy_reason == "住建局人员外出，电话委托"


def test_a_unit_bulk_signs_its_own_requests_without_a_reason(as_official, zhujian_official, zhujian):
    one = f.appeal_in("assigned", handler=zhujian)
    response = post_action(as_official(zhujian_official), "sign_selected", [one])
    assert response.status_code == 302  # nothing to ask: straight through, as before
    assert AppealEvent.objects.get(action="sign").proxy_reason == ""


def test_the_co_department_signs_from_its_own_page_then_only_answers(as_official, gas_official, gas, zhujian):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    client = as_official(gas_official)
    page = change_page(client, appeal)
    assert url(appeal, "co_sign") in page and "待签收" in page
    response = client.post(url(appeal, "co_sign"), {"note": "已安排人员"})
    assert response.status_code == 302
    row = appeal.co_assignments.get()
    assert row.signed_at is not None and row.replied_at is None
    assert AppealEvent.objects.filter(appeal=appeal, action="co_sign", department=gas).exists()
    page = change_page(client, appeal)
    assert url(appeal, "co_sign") not in page and url(appeal, "co_reply") in page


def test_the_lead_unit_is_not_offered_the_co_departments_sign(as_official, gas, zhujian):
    appeal = f.appeal_in("in_progress", handler=zhujian, co_departments=[gas])
    lead = staff(f.official("zj", scope=ScopeKind.DEPARTMENT, department=zhujian))
    assert url(appeal, "co_sign") not in change_page(as_official(lead), appeal)


def test_the_assign_step_in_the_timeline_names_its_co_departments_after_a_return(
    as_official, district_official, zhujian, gas
):
    from apps.appeals.services import appeal_transition

    appeal = f.appeal_in("assigned", handler=zhujian, co_departments=[gas])
    appeal_transition(appeal=appeal, action="return", reason="wrong_function")  # withdraws the co-assignment
    page = change_page(as_official(district_official), appeal)
    timeline = page.split("qs-timeline", 1)[1]
    assert "协办单位：华润燃气" in timeline
