"""主办/协办: 派单 names a lead and co-departments; each co-department answers (协办回复) by its
own deadline, only for itself (or the district as 代办); return, re-assignment and merging
withdraw what is no longer owed; a late co-department is flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.appeals.models import AppealCoAssignment, Status
from apps.appeals.selectors import appeal_queue_counts, appeals_in_queue
from apps.appeals.services import appeal_transition, co_reply_due
from apps.appeals.workflow import IllegalTransition
from apps.common.workdays import add_working_days
from apps.places.models import DepartmentKind
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return f.department("区住房和城乡建设局")


@pytest.fixture
def gas():
    return f.department("华润燃气")


@pytest.fixture
def city():
    return f.department("区城市管理局")


def official_of(department):
    return f.official(scope=ScopeKind.DEPARTMENT, department=department)


def test_assign_names_a_lead_and_co_departments_with_their_own_deadline(lead, gas, city, settings):
    settings.APPEAL_CO_REPLY_WORKING_DAYS = 3
    appeal = f.appeal_in("accepted", kind="complaint")  # 15 working days to resolve
    before = timezone.now()
    appeal = appeal_transition(appeal=appeal, action="assign", department=lead, co_departments=[gas, city])
    assert appeal.department == lead and appeal.co_pending == 2
    rows = list(appeal.co_assignments.order_by("department__name"))
    assert {row.department for row in rows} == {gas, city}
    assert all(row.is_pending for row in rows)
    # 3 working days after 派单, well before the lead's own deadline.
    assert rows[0].due == add_working_days(rows[0].assigned_at, 3)
    assert rows[0].assigned_at >= before and rows[0].due < appeal.resolve_due


def test_a_co_departments_deadline_never_passes_the_leads():
    now = timezone.now()
    lead_due = now + timedelta(hours=5)
    assert co_reply_due(assigned_at=now, resolve_due=lead_due) == lead_due
    # The lead is already late: the co-department still gets its working days.
    late = now - timedelta(days=1)
    assert co_reply_due(assigned_at=now, resolve_due=late) > now


def test_the_lead_cannot_also_be_a_co_department(lead, gas):
    appeal = f.appeal_in("accepted")
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=appeal, action="assign", department=lead, co_departments=[gas, lead])
    assert "co_departments" in error.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == Status.ACCEPTED and not AppealCoAssignment.objects.exists()


def test_an_inactive_co_department_is_refused(lead):
    closed = f.department("已撤销单位", is_active=False)
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=f.appeal_in("accepted"), action="assign", department=lead, co_departments=[closed])
    assert "co_departments" in error.value.message_dict


def test_a_co_department_answers_for_itself_and_the_lead_resolves(lead, gas, city):
    appeal = f.appeal_in("assigned", handler=lead, co_departments=[gas, city])
    gas_official = official_of(gas)
    appeal = appeal_transition(appeal=appeal, action="co_reply", by=gas_official, note="已关闭阀门并检测，无泄漏")
    assert appeal.status == Status.ASSIGNED and appeal.co_pending == 1
    row = appeal.co_assignments.get(department=gas)
    assert (row.note, row.replied_by, row.actor_label, row.proxy_reason) == (
        "已关闭阀门并检测，无泄漏",
        gas_official,
        "华润燃气",
        "",
    )
    event = appeal.events.get(action="co_reply")
    assert (event.department, event.note, event.from_status, event.to_status) == (
        gas,
        "已关闭阀门并检测，无泄漏",
        "assigned",
        "assigned",
    )
    # A second answer by the same co-department is a step the state no longer allows.
    with pytest.raises(IllegalTransition) as refused:
        appeal_transition(appeal=appeal, action="co_reply", by=gas_official, note="补充")
    assert "co_reply" in refused.value.allowed  # 城管局 still owes its answer
    lead_official = official_of(lead)
    appeal_transition(appeal=appeal, action="sign", by=lead_official)
    appeal = appeal_transition(appeal=appeal, action="resolve", by=lead_official, reply="已修复。")
    assert appeal.status == Status.RESOLVED


def test_a_co_reply_needs_the_contribution(lead, gas):
    appeal = f.appeal_in("assigned", handler=lead, co_departments=[gas])
    with pytest.raises(ValidationError) as error:
        appeal_transition(appeal=appeal, action="co_reply", by=official_of(gas), note="  ")
    assert "note" in error.value.message_dict


@pytest.mark.parametrize("who", ["lead", "other_unit", "subdistrict", "district_without_reason"])
def test_only_a_co_department_may_answer(lead, gas, who):
    kuishan = f.subdistrict("奎山街道")
    appeal = f.appeal_in("in_progress", handler=lead, co_departments=[gas], area=f.community(parent=kuishan))
    by = {
        "lead": lambda: official_of(lead),
        "other_unit": lambda: official_of(f.department("区民政局")),
        "subdistrict": lambda: f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan),
        "district_without_reason": lambda: f.official(),
    }[who]()
    with pytest.raises(PermissionDenied):
        appeal_transition(appeal=appeal, action="co_reply", by=by, note="已配合")
    appeal.refresh_from_db()
    assert appeal.co_pending == 1 and not appeal.events.filter(action="co_reply").exists()


def test_a_subdistrict_office_answers_as_a_co_department():
    kuishan = f.subdistrict("奎山街道")
    office = f.department("奎山街道办事处", kind=DepartmentKind.SUBDISTRICT, area=kuishan)
    appeal = f.appeal_in("assigned", co_departments=[office], area=f.community(parent=kuishan))
    official = f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=kuishan)
    appeal = appeal_transition(appeal=appeal, action="co_reply", by=official, note="社区已上门核实")
    assert appeal.co_pending == 0


def test_the_district_answers_for_a_co_department_as_proxy_naming_which(lead, gas, city):
    appeal = f.appeal_in("in_progress", handler=lead, co_departments=[gas, city])
    district = f.official()
    with pytest.raises(ValidationError) as error:  # two owe an answer: which one?
        appeal_transition(appeal=appeal, action="co_reply", by=district, note="已配合", proxy_reason="电话委托")
    assert "department" in error.value.message_dict
    appeal = appeal_transition(
        appeal=appeal, action="co_reply", by=district, note="已配合", proxy_reason="燃气公司电话委托", department=gas
    )
    row = appeal.co_assignments.get(department=gas)
    assert row.proxy_reason == "燃气公司电话委托" and row.replied_by == district
    event = appeal.events.get(action="co_reply")
    assert (event.department, event.proxy_reason, event.actor) == (gas, "燃气公司电话委托", district)


def test_a_co_department_sees_the_request_in_its_scope(lead, gas):
    from apps.accounts.scoping import scope_of
    from apps.appeals.models import Appeal

    appeal = f.appeal_in("assigned", handler=lead, co_departments=[gas])
    f.appeal_in("assigned", handler=lead)  # not its business
    visible = scope_of(official_of(gas)).filter_appeals(Appeal.objects.all())
    assert list(visible) == [appeal]


def test_return_withdraws_what_is_still_owed_and_reassignment_keeps_an_answer(lead, gas, city):
    appeal = f.appeal_in("assigned", handler=lead, co_departments=[gas, city])
    appeal_transition(appeal=appeal, action="co_reply", by=official_of(gas), note="已检测")
    appeal = appeal_transition(appeal=appeal, action="return", by=official_of(lead), reason="wrong_function")
    assert appeal.co_pending == 0
    assert appeal.co_assignments.get(department=city).withdrawn_at is not None
    assert appeal.co_assignments.get(department=gas).withdrawn_at is None  # its answer stands
    # Re-assigned with 燃气 again and a new co-department: 燃气's answer stays, the new one owes one.
    civil = f.department("区民政局")
    appeal = appeal_transition(appeal=appeal, action="assign", department=city, co_departments=[gas, civil])
    assert appeal.co_pending == 1
    active = appeal.co_assignments.filter(withdrawn_at__isnull=True)
    assert {row.department for row in active} == {gas, civil}
    assert active.get(department=gas).note == "已检测"
    # Re-assigned once more without co-departments: nobody owes anything.
    appeal = appeal_transition(appeal=appeal, action="return", by=official_of(city), reason="wrong_area")
    appeal = appeal_transition(appeal=appeal, action="assign", department=lead)
    assert appeal.co_pending == 0
    assert not appeal.co_assignments.filter(withdrawn_at__isnull=True, replied_at__isnull=True).exists()


def test_a_late_co_department_is_flagged_and_queued(lead, gas, city):
    appeal = f.appeal_in("in_progress", handler=lead, co_departments=[gas, city])
    appeal.co_assignments.filter(department=gas).update(due=timezone.now() - timedelta(hours=1))
    late = appeal.co_assignments.select_related("appeal").get(department=gas)
    assert late.is_overdue() and not appeal.co_assignments.get(department=city).is_overdue()
    from apps.accounts.scoping import scope_of
    from apps.appeals.models import Appeal

    gas_scope = scope_of(official_of(gas))
    mine = gas_scope.filter_appeals(Appeal.objects.all())
    counts = appeal_queue_counts(mine, scope=gas_scope)
    assert (counts["co_reply"], counts["co_overdue"], counts["to_sign"]) == (1, 1, 0)
    assert list(appeals_in_queue(mine, "co_overdue", scope=gas_scope)) == [appeal]
    # Once it answers, nothing is owed: the flag and the queues clear.
    appeal_transition(appeal=appeal, action="co_reply", by=official_of(gas), note="已处理")
    counts = appeal_queue_counts(mine, scope=gas_scope)
    assert (counts["co_reply"], counts["co_overdue"]) == (0, 0)


def test_a_co_departments_officials_are_told_of_the_request(lead, gas):
    from apps.notifications.models import OfficialNotice

    gas_official = official_of(gas)
    lead_official = official_of(lead)
    appeal_transition(appeal=f.appeal_in("accepted"), action="assign", department=lead, co_departments=[gas])
    assert list(OfficialNotice.objects.filter(user=gas_official).values_list("kind", flat=True)) == ["coassigned"]
    assert list(OfficialNotice.objects.filter(user=lead_official).values_list("kind", flat=True)) == ["assigned"]
