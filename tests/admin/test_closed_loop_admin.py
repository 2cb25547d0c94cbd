"""The 12345 closed loop through the back office: each new step's page, and who may take it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(appeal, action: str) -> str:
    return reverse("admin:appeals_appeal_workflow", args=[appeal.pk, action])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_a_subdistrict_official_cannot_sign_for_another_unit(as_official, kuishan, kuishan_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian, area=f.community(parent=kuishan))
    response = as_official(kuishan_official).post(url(appeal, "sign"), {})
    assert any("须由承办单位办理" in m for m in messages_of(response))
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_a_district_official_cannot_sign_for_a_unit_without_a_reason(as_official, district_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian)
    response = as_official(district_official).post(url(appeal, "sign"), {"proxy_reason": ""})
    assert response.status_code == 200  # the form again: the reason is required
    appeal.refresh_from_db()
    assert appeal.status == Status.ASSIGNED


def test_the_unit_signs_for_itself_without_a_proxy_field(as_official, zhujian_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian)
    client = as_official(zhujian_official)
    assert "代办原因" not in client.get(url(appeal, "sign")).content.decode()
    assert client.post(url(appeal, "sign"), {}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.events.get(action="sign").proxy_reason == ""


def test_a_subdistrict_office_is_its_own_subdistricts_unit(as_official, kuishan, kuishan_official):
    office = f.department("奎山街道办事处", kind="subdistrict", area=kuishan)
    appeal = f.appeal_in("assigned", handler=office, area=f.community(parent=kuishan))
    assert as_official(kuishan_official).post(url(appeal, "sign"), {}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_accept_confirms_urgency_and_urgent_deadlines_apply(as_official, district_official):
    appeal = f.appeal(kind="complaint", title="楼道堆放杂物", content="楼道里堆满了纸箱。")
    assert appeal.urgency == "normal"
    as_official(district_official).post(url(appeal, "accept"), {"urgency": "urgent", "note": "核实有消防隐患"})
    appeal.refresh_from_db()
    assert appeal.urgency == "urgent"
    # 紧急: one working day instead of a complaint's fifteen.
    assert appeal.resolve_due - appeal.submitted_at <= timedelta(days=4)
    assert appeal.events.get(action="accept").reason == "urgent"


def test_extension_asked_by_the_unit_and_approved_by_the_dispatcher(
    as_official, zhujian_official, district_official, zhujian
):
    appeal = f.appeal_in("in_progress", handler=zhujian)
    until = (timezone.localtime(appeal.resolve_due) + timedelta(days=3)).date().isoformat()
    response = as_official(zhujian_official).post(
        url(appeal, "request_extension"), {"until": until, "reason": "需协调供电部门停电施工"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.extension_until is not None and appeal.status == Status.IN_PROGRESS
    # A unit cannot approve its own extension.
    response = as_official(zhujian_official).post(url(appeal, "approve_extension"), {})
    assert any("派单人员" in m for m in messages_of(response))
    as_official(district_official).post(url(appeal, "approve_extension"), {})
    appeal.refresh_from_db()
    assert timezone.localtime(appeal.resolve_due).date().isoformat() == until
    assert appeal.extensions == 1 and appeal.extension_until is None


def test_supervision_marked_by_the_dispatcher_and_answered_by_the_unit(
    as_official, district_official, zhujian_official, zhujian
):
    appeal = f.appeal_in("in_progress", handler=zhujian)
    response = as_official(district_official).post(
        url(appeal, "supervise"), {"level": "key", "answer_by": day(3), "note": "群众多次来电"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.supervision == "key" and appeal.supervision_answered_at is None
    response = as_official(zhujian_official).post(url(appeal, "answer_supervision"), {"note": "本周内完成维修"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.supervision_answered_at is not None


def test_a_revisit_records_both_answers_and_unsatisfied_goes_to_review(as_official, district_official):
    appeal = f.appeal_in("resolved")
    response = as_official(district_official).post(
        url(appeal, "revisit"), {"solved": "no", "rating": "unsatisfied", "comment": "路灯还是不亮", "note": "电话回访"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.solved, appeal.rating) == (Status.REVIEW, "no", "unsatisfied")
    revisit = appeal.events.get(action="revisit")
    assert (revisit.actor.username, revisit.comment, revisit.note) == ("district", "路灯还是不亮", "电话回访")


def test_reopen_and_explained_closing_from_review(as_official, district_official):
    reopened, explained = f.appeal_in("review"), f.appeal_in("review")
    client = as_official(district_official)
    client.post(url(reopened, "reopen"), {"reply": "已要求承办单位重新办理。", "until": day(5)})
    reopened.refresh_from_db()
    assert (reopened.status, reopened.reopen_count, reopened.rating) == (Status.ASSIGNED, 1, "")
    assert reopened.public_reply == "已要求承办单位重新办理。"
    client.post(url(explained, "close_explained"), {"reason": "policy", "reply": "该路段不具备设置条件。"})
    explained.refresh_from_db()
    assert (explained.status, explained.closure) == (Status.CLOSED, "explained")


def test_merge_a_duplicate_into_another_request(as_official, district_official):
    main, duplicate = f.appeal(), f.appeal()
    response = as_official(district_official).post(url(duplicate, "merge"), {"into": main.tracking_no.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, main)
    assert main.tracking_no in duplicate.public_reply
    response = as_official(district_official).post(url(main, "merge"), {"into": "QS-1999-000001"})
    assert "没有这个受理编号的诉求" in response.content.decode()


def test_the_change_page_offers_only_what_the_state_allows(as_official, district_official, zhujian):
    appeal = f.appeal_in("in_progress", handler=zhujian)
    page = as_official(district_official).get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    html = page.content.decode()
    assert url(appeal, "request_extension") in html and url(appeal, "supervise") in html
    assert url(appeal, "approve_extension") not in html  # nothing asked yet
    assert url(appeal, "reopen") not in html


def test_the_timeline_shows_each_answers_comment_after_reopen(as_official, district_official):
    from apps.appeals.services import appeal_transition

    appeal = f.appeal_in("resolved")
    appeal_transition(appeal=appeal, action="rate", rating="unsatisfied", comment="灯还是不亮")
    appeal_transition(appeal=appeal, action="reopen")
    page = as_official(district_official).get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    timeline = page.content.decode().split("qs-timeline", 1)[1]
    assert "不满意" in timeline and "灯还是不亮" in timeline


def test_the_admin_shows_a_refusal_in_chinese_only(as_official, kuishan, kuishan_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian, area=f.community(parent=kuishan))
    response = as_official(kuishan_official).post(url(appeal, "sign"), {})
    assert messages_of(response) == ["“签收”须由承办单位办理。"]  # the API adds " / English"
