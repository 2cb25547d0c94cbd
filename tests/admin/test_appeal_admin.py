"""The request back office: list, filters, registering a call, workflow steps through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Appeal, AppealEvent, Status
from apps.appeals.services import appeal_link_projects
from tests import factories as f
from tests.admin.conftest import changelist_pks, export_file

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:appeals_appeal_changelist"


def result_pks(client, query: str = "") -> set[int]:
    return changelist_pks(client, CHANGELIST, query)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def workflow_url(appeal: Appeal, action: str) -> str:
    return reverse("admin:appeals_appeal_workflow", args=[appeal.pk, action])


def test_the_list_shows_status_and_overdue_badges(as_official, district_official):
    late = f.appeal(title="小区门口积水", submitted_at=timezone.now() - timedelta(days=40))
    fresh = f.appeal(title="健身器材损坏")
    page = as_official(district_official).get(reverse(CHANGELIST)).content.decode()
    assert late.tracking_no in page and fresh.tracking_no in page
    assert "已提交" in page
    assert page.count('nowrap">超期 39 天<') == 1  # a day to respond, 39 days ago
    assert page.count('nowrap">剩 23 小时<') == 1


def test_the_list_sorts_by_deadline(as_official, district_official):
    now = timezone.now()
    later, sooner, late = f.appeal_in("in_progress"), f.appeal_in("in_progress"), f.appeal_in("in_progress")
    for item, hours in ((later, 50), (sooner, 5), (late, -30)):
        Appeal.objects.filter(pk=item.pk).update(resolve_due=now + timedelta(hours=hours))
    client = as_official(district_official)
    column = client.get(reverse(CHANGELIST)).context["cl"].list_display.index("due")
    response = client.get(reverse(CHANGELIST) + f"?o={column}")
    assert [row.pk for row in response.context["cl"].result_list] == [late.pk, sooner.pk, later.pk]
    page = response.content.decode()
    assert page.index("超期 1 天") < page.index("剩 4 小时") < page.index("剩 2 天")


def test_search_by_the_bare_number_of_a_tracking_number(as_official, district_official):
    lamp = f.appeal(title="路灯不亮")
    f.appeal(title="楼道漏水")
    number = lamp.tracking_no.rsplit("-", 1)[1]
    client = as_official(district_official)
    assert result_pks(client, f"?q={number}") == {lamp.pk}  # 000001 as printed
    assert result_pks(client, f"?q={int(number)}") == {lamp.pk}  # 1 as said on the phone


def test_the_list_filters_by_rating(as_official, district_official):
    unhappy = f.appeal_in("closed")
    Appeal.objects.filter(pk=unhappy.pk).update(rating="unsatisfied")
    f.appeal_in("closed")
    assert result_pks(as_official(district_official), "?rating__exact=unsatisfied") == {unhappy.pk}


def test_the_overdue_filter_uses_the_deadlines(as_official, district_official):
    late = f.appeal(submitted_at=timezone.now() - timedelta(days=40))
    fresh = f.appeal()
    client = as_official(district_official)
    assert result_pks(client, "?overdue=yes") == {late.pk}
    assert result_pks(client, "?overdue=no") == {fresh.pk}


def test_filters_by_status_subdistrict_and_department(as_official, district_official, kuishan, taishan, zhujian):
    in_kuishan = f.appeal_in("assigned", handler=zhujian, area=f.community(parent=kuishan))
    in_taishan = f.appeal(area=f.community(parent=taishan))
    client = as_official(district_official)
    assert result_pks(client, "?status__exact=assigned") == {in_kuishan.pk}
    assert result_pks(client, f"?subdistrict={taishan.pk}") == {in_taishan.pk}
    assert result_pks(client, f"?department__id__exact={zhujian.pk}") == {in_kuishan.pk}


def test_the_published_filter(as_official, district_official):
    pending = f.appeal(consent_to_publish=True)
    private = f.appeal(consent_to_publish=False)
    client = as_official(district_official)
    assert result_pks(client, "?published=pending") == {pending.pk}
    assert private.pk in result_pks(client, "?published=no")


def test_search_by_tracking_number_title_and_phone(as_official, district_official):
    lamp = f.appeal(title="路灯不亮", submitter_phone="13800001111")
    water = f.appeal(title="楼道漏水", submitter_phone="13900002222")
    client = as_official(district_official)
    assert result_pks(client, f"?q={lamp.tracking_no.lower()}") == {lamp.pk}
    year, number = lamp.tracking_no.split("-")[1:]
    assert result_pks(client, f"?q=QS{year}{int(number)}") == {lamp.pk}  # typed as residents do on the phone
    assert result_pks(client, "?q=漏水") == {water.pk}
    assert result_pks(client, "?q=13800001111") == {lamp.pk}


def test_an_official_registers_a_visit_through_appeal_submit(as_official, kuishan_official, kuishan):
    community = f.community(parent=kuishan)
    client = as_official(kuishan_official)
    response = client.post(
        reverse("admin:appeals_appeal_add"),
        {
            "channel": "visit",
            "kind": "complaint",
            "programme": "anquan",
            "area": community.pk,
            "title": "楼道飞线充电",
            "content": "5号楼有人从窗口拉电线给电动车充电，存在火灾隐患。",
            "submitter_name": "李桂兰",
            "submitter_phone": "13655556666",
            "photos": [f.jpeg_with_gps()],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    appeal = Appeal.objects.get(title="楼道飞线充电")
    assert appeal.tracking_no.startswith("QS-")
    assert appeal.subdistrict == kuishan
    assert appeal.status == Status.SUBMITTED
    assert appeal.resolve_due > appeal.submitted_at
    event = appeal.events.get()
    assert (event.action, event.actor) == ("submit", kuishan_official)
    photo = appeal.photos.get()
    from PIL import Image

    assert not Image.open(photo.image.path).getexif()
    assert response["Location"] == reverse("admin:appeals_appeal_change", args=[appeal.pk])


def test_registering_without_any_contact_is_refused_in_chinese(as_official, district_official):
    client = as_official(district_official)
    response = client.post(
        reverse("admin:appeals_appeal_add"),
        {"channel": "visit", "kind": "help", "area": f.community().pk, "title": "求助", "content": "需要帮助"},
    )
    assert response.status_code == 200
    assert "请留下电话或其他联系方式" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_subdistrict_official_cannot_register_a_request_elsewhere(as_official, kuishan_official, taishan):
    client = as_official(kuishan_official)
    response = client.post(
        reverse("admin:appeals_appeal_add"),
        {
            "channel": "hotline",
            "kind": "help",
            "area": f.community(parent=taishan).pk,
            "title": "求助",
            "content": "需要帮助",
            "submitter_phone": "13600000000",
        },
    )
    assert response.status_code == 200
    assert "只能登记本街道范围内的诉求" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_department_official_cannot_add_requests(as_official, zhujian_official):
    assert as_official(zhujian_official).get(reverse("admin:appeals_appeal_add")).status_code == 403


def test_the_change_page_shows_the_timeline_and_the_next_steps(as_official, district_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian)
    response = as_official(district_official).get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    page = response.content.decode()
    assert "办理记录" in page
    assert page.count("<tr>") >= 4  # header + submit, accept, assign
    assert zhujian.name in page
    assert workflow_url(appeal, "sign") in page
    assert workflow_url(appeal, "return") in page
    assert workflow_url(appeal, "accept") not in page


def test_status_cannot_be_changed_through_the_form(as_official, district_official):
    appeal = f.appeal()
    client = as_official(district_official)
    response = client.post(
        reverse("admin:appeals_appeal_change", args=[appeal.pk]),
        {
            "status": "resolved",
            "public_reply": "已处理",
            "programme": "lvse",
            "location_text": "3号楼东侧",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    assert appeal.public_reply == ""
    assert (appeal.programme_id, appeal.location_text) == ("lvse", "3号楼东侧")


def test_accept_assign_sign_and_resolve_through_the_workflow_pages(as_official, district_official, zhujian):
    appeal = f.appeal()
    client = as_official(district_official)
    assert client.post(workflow_url(appeal, "accept"), {"note": "已电话联系"}).status_code == 302
    assert client.get(workflow_url(appeal, "assign")).status_code == 200
    assert client.post(workflow_url(appeal, "assign"), {"department": zhujian.pk}).status_code == 302
    # The unit's steps: a district official takes them only as 代办, with a reason.
    assert "代办原因" in client.get(workflow_url(appeal, "sign")).content.decode()
    assert client.post(workflow_url(appeal, "sign"), {"proxy_reason": "住建局系统故障，电话委托"}).status_code == 302
    response = client.post(
        workflow_url(appeal, "resolve"), {"reply": "已更换路灯灯泡，恢复照明。", "proxy_reason": "住建局电话委托"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert appeal.department == zhujian
    assert appeal.public_reply == "已更换路灯灯泡，恢复照明。"
    events = list(appeal.events.values_list("action", "actor__username"))
    assert events == [
        ("submit", None),
        ("accept", "district"),
        ("assign", "district"),
        ("sign", "district"),
        ("resolve", "district"),
    ]
    assert appeal.events.get(action="accept").note == "已电话联系"
    assert appeal.events.get(action="sign").proxy_reason == "住建局系统故障，电话委托"
    assert appeal.events.get(action="sign").department == zhujian


def test_resolving_without_a_reply_shows_the_form_again(as_official, district_official):
    appeal = f.appeal_in("in_progress")
    response = as_official(district_official).post(workflow_url(appeal, "resolve"), {"reply": "  "})
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_a_refused_transition_is_a_message_and_changes_nothing(as_official, district_official):
    appeal = f.appeal_in("resolved")
    before = AppealEvent.objects.count()
    client = as_official(district_official)
    response = client.post(workflow_url(appeal, "sign"), {"proxy_reason": "代办"})
    assert response.status_code == 302
    assert any("不能执行“签收”" in m for m in messages_of(response))
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED
    assert AppealEvent.objects.count() == before
    page = client.get(workflow_url(appeal, "sign")).content.decode()
    assert "不能执行" in page


def test_an_unknown_workflow_step_answers_404(as_official, district_official):
    appeal = f.appeal()
    assert as_official(district_official).get(workflow_url(appeal, "teleport")).status_code == 404


def post_action(client, action: str, appeals, **data):
    payload = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in appeals], "index": 0, **data}
    return client.post(reverse(CHANGELIST), payload)


def test_bulk_accept_reports_refusals_and_accepts_the_rest(as_official, district_official):
    fresh, other = f.appeal(), f.appeal()
    done = f.appeal_in("resolved")
    response = post_action(as_official(district_official), "accept_selected", [fresh, other, done])
    assert response.status_code == 302
    statuses = dict(Appeal.objects.values_list("pk", "status"))
    assert statuses[fresh.pk] == statuses[other.pk] == Status.ACCEPTED
    assert statuses[done.pk] == Status.RESOLVED
    text = " ".join(messages_of(response))
    assert "已受理 2 件" in text
    assert done.tracking_no in text and "不能执行“受理”" in text


def test_bulk_assign_asks_for_the_department_first(as_official, district_official, zhujian):
    one, two = f.appeal_in("accepted"), f.appeal_in("accepted")
    client = as_official(district_official)
    page = post_action(client, "assign_selected", [one, two])
    assert page.status_code == 200
    assert "承办单位" in page.content.decode()
    assert Appeal.objects.filter(status=Status.ASSIGNED).count() == 0
    response = post_action(client, "assign_selected", [one, two], apply="1", department=zhujian.pk, note="请尽快处理")
    assert response.status_code == 302
    assert set(Appeal.objects.filter(department=zhujian).values_list("status", flat=True)) == {Status.ASSIGNED}
    assert AppealEvent.objects.filter(action="assign", department=zhujian, actor=district_official).count() == 2


def test_bulk_reject_requires_a_reply(as_official, district_official):
    appeal = f.appeal()
    client = as_official(district_official)
    page = post_action(client, "reject_selected", [appeal], apply="1", reply="")
    assert page.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == Status.SUBMITTED
    post_action(client, "reject_selected", [appeal], apply="1", reply="该事项属于物业合同纠纷，请通过诉讼解决。")
    appeal.refresh_from_db()
    assert appeal.status == Status.REJECTED
    assert appeal.public_reply.startswith("该事项属于物业合同纠纷")


def test_a_department_returns_a_misassigned_request(as_official, zhujian_official, zhujian):
    appeal = f.appeal_in("assigned", handler=zhujian)
    client = as_official(zhujian_official)
    response = client.post(workflow_url(appeal, "return"), {"reason": "wrong_function", "note": "不属于本局职能"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.RETURNED
    assert appeal.department is None
    # Once returned, it has left the department's scope.
    assert client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).status_code == 404


def test_publication_needs_the_residents_consent(as_official, district_official):
    consenting = f.appeal(consent_to_publish=True)
    private = f.appeal(consent_to_publish=False)
    response = post_action(as_official(district_official), "approve_publication", [consenting, private], apply="1")
    consenting.refresh_from_db()
    private.refresh_from_db()
    assert consenting.publish_approved is True
    assert private.publish_approved is False
    assert any("诉求人未同意公开" in m for m in messages_of(response))


def test_the_export_has_chinese_columns_and_only_the_scope(as_official, kuishan_official, kuishan, taishan):
    mine = f.appeal(area=f.community(parent=kuishan))
    other = f.appeal(area=f.community(parent=taishan))
    response = export_file(as_official(kuishan_official), "appeals_appeal", "csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("受理编号,标题,诉求类型")
    assert mine.tracking_no in body
    assert other.tracking_no not in body


def test_the_xlsx_export_is_a_named_sheet_with_date_cells(as_official, district_official):
    import io
    from datetime import datetime

    from openpyxl import load_workbook

    appeal = f.appeal()
    response = export_file(as_official(district_official), "appeals_appeal", "xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["群众诉求"]
    sheet = book["群众诉求"]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["受理编号"] == appeal.tracking_no
    submitted = timezone.localtime(appeal.submitted_at).replace(tzinfo=None, second=0, microsecond=0)
    assert isinstance(row["提交时间"], datetime) and row["提交时间"] == submitted
    assert row["联系电话"] == "13912345678"  # a phone number stays text (no lost leading digits)


def test_an_export_too_large_is_refused_with_a_message(as_official, district_official, monkeypatch):
    import apps.appeals.admin as appeals_admin

    monkeypatch.setattr(appeals_admin, "EXPORT_LIMIT", 2)
    for _ in range(3):
        f.appeal()
    response = export_file(as_official(district_official), "appeals_appeal", "csv")
    assert response.status_code == 302
    assert any("一次最多导出 2 件诉求" in m for m in messages_of(response))


def test_publication_is_approved_from_the_request_page(as_official, district_official):
    appeal = f.appeal_in("resolved", consent_to_publish=True)
    client = as_official(district_official)
    page = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    assert workflow_url(appeal, "publish") in page
    public_version = {"published_title": "楼道灯坏了", "published_content": "楼道灯坏了。", "published_reply": ""}
    assert client.post(workflow_url(appeal, "publish"), public_version).status_code == 302
    appeal.refresh_from_db()
    assert appeal.publish_approved
    client.post(workflow_url(appeal, "unpublish"), {})
    appeal.refresh_from_db()
    assert not appeal.publish_approved


def test_publication_without_consent_is_refused_on_the_request_page(as_official, district_official):
    appeal = f.appeal(consent_to_publish=False)
    client = as_official(district_official)
    assert (
        workflow_url(appeal, "publish")
        not in client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    )
    response = client.post(workflow_url(appeal, "publish"), {})
    assert any("诉求人未同意公开" in m for m in messages_of(response))
    appeal.refresh_from_db()
    assert not appeal.publish_approved


def test_the_export_shows_formula_like_texts_as_text(as_official, district_official):
    f.appeal(title='=HYPERLINK("http://example.com")', content="-1+1 是什么")
    body = export_file(as_official(district_official), "appeals_appeal", "csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert "'-1+1" not in body


def test_the_request_history_shows_who_moved_it(as_official, district_official):
    appeal = f.appeal()
    client = as_official(district_official)
    client.post(workflow_url(appeal, "accept"), {"note": ""})
    page = client.get(reverse("admin:appeals_appeal_history", args=[appeal.pk])).content.decode()
    assert "district" in page
    assert "已受理" in page
    assert "13912345678" not in page  # contact data is kept out of the history


def test_scoped_officials_do_not_see_columns_that_never_vary(as_official, kuishan_official, zhujian_official):
    kuishan_columns = as_official(kuishan_official).get(reverse(CHANGELIST)).context["cl"].list_display
    assert "subdistrict" not in kuishan_columns and "department_name" in kuishan_columns
    zhujian_columns = as_official(zhujian_official).get(reverse(CHANGELIST)).context["cl"].list_display
    # A department also sees the requests it co-handles (协办): which unit leads them varies.
    assert "department_name" in zhujian_columns and "subdistrict" in zhujian_columns


def test_title_search_ignores_case_of_latin_letters(as_official, district_official):
    wifi = f.appeal(title="社区WiFi信号差")
    client = as_official(district_official)
    assert result_pks(client, "?q=wifi") == {wifi.pk}
    assert result_pks(client, "?q=信号") == {wifi.pk}


def change_form(appeal: Appeal, **fields) -> dict:
    return {
        "programme": appeal.programme_id or "",
        "location_text": appeal.location_text,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        **fields,
    }


def test_a_subdistrict_official_links_only_projects_in_scope(as_official, kuishan_official, kuishan, taishan):
    appeal = f.appeal(area=f.community(parent=kuishan))
    ours = f.project(title="奎园社区加装电梯", areas=[f.community(parent=kuishan)])
    theirs = f.project(title="泰山社区口袋公园", areas=[f.community(parent=taishan)])
    url = reverse("admin:appeals_appeal_change", args=[appeal.pk])
    client = as_official(kuishan_official)
    response = client.post(url, change_form(appeal, projects=[ours.pk, theirs.pk]))
    assert response.status_code == 200
    assert "泰山社区口袋公园”不在您的管理范围内" in response.content.decode()
    assert not appeal.projects.exists()
    assert client.post(url, change_form(appeal, projects=[ours.pk])).status_code == 302
    assert list(appeal.projects.all()) == [ours]


def test_links_a_district_official_made_survive_a_subdistrict_officials_save(
    as_official, district_official, kuishan_official, kuishan, taishan
):
    appeal = f.appeal(area=f.community(parent=kuishan))
    theirs = f.project(areas=[f.community(parent=taishan)])
    appeal_link_projects(appeal=appeal, projects=[theirs], by=district_official)
    url = reverse("admin:appeals_appeal_change", args=[appeal.pk])
    response = as_official(kuishan_official).post(url, change_form(appeal, projects=[theirs.pk], location_text="北门"))
    assert response.status_code == 302
    assert list(appeal.projects.all()) == [theirs]
    with pytest.raises(ValidationError):
        appeal_link_projects(
            appeal=appeal, projects=[theirs, f.project(areas=[f.community(parent=taishan)])], by=kuishan_official
        )


def test_the_list_filters_by_urgency(as_official, district_official):
    urgent = f.appeal()
    Appeal.objects.filter(pk=urgent.pk).update(urgency="urgent")
    f.appeal()
    assert result_pks(as_official(district_official), "?urgency__exact=urgent") == {urgent.pk}
