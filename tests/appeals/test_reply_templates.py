"""答复模板: seeded by migration, written by district officials in the admin, offered on the
workflow pages by step, class (with the classes above it) and type; the official's edited text
is what is sent."""

from __future__ import annotations

import pytest

from apps.accounts.models import ScopeKind
from apps.appeals.models import TEMPLATE_FIELDS, ReplyTemplate, TemplateStep
from apps.appeals.selectors import reply_templates_for
from apps.appeals.services import appeal_transition
from apps.categories.models import ProblemCategory
from tests import factories as f
from tests.admin.conftest import staff

pytestmark = pytest.mark.django_db


def cat(code: str) -> ProblemCategory:
    return ProblemCategory.objects.get(code=code)


def in_progress(category_code: str, handler, **fields):
    appeal = f.appeal(**fields)
    appeal_transition(appeal=appeal, action="accept", category=cat(category_code))
    appeal_transition(appeal=appeal, action="assign", department=handler)
    return appeal_transition(appeal=appeal, action="sign")


def test_every_template_step_names_the_field_it_fills():
    assert set(TEMPLATE_FIELDS) == set(TemplateStep.values)
    assert ReplyTemplate.objects.filter(step="resolve").count() >= 4  # seeded by the migration


def test_templates_fit_the_requests_class_and_type_most_specific_first():
    unit = f.department()
    lift = in_progress("010101", unit)
    titles = [t.title for t in reply_templates_for(lift, "resolve")]
    assert titles[0] == "电梯故障已修复"
    assert "通用办结答复" in titles
    assert "路灯已修复" not in titles and "表扬件答复" not in titles
    praise = in_progress("060401", unit, kind="praise")
    titles = [t.title for t in reply_templates_for(praise, "resolve")]
    assert titles[0] == "表扬件答复" and "电梯故障已修复" not in titles
    second_level = ReplyTemplate.objects.create(step="resolve", category=cat("0101"), title="物业类答复", text="……")
    assert [t.pk for t in reply_templates_for(lift, "resolve")][:2] == [
        ReplyTemplate.objects.get(title="电梯故障已修复").pk,
        second_level.pk,
    ]


def test_the_units_resolve_page_offers_the_templates_and_sends_the_edited_text(client):
    unit = f.department("区住房和城乡建设局")
    appeal = in_progress("010101", unit)
    client.force_login(staff(f.official(scope=ScopeKind.DEPARTMENT, department=unit)))
    url = f"/admin/appeals/appeal/{appeal.pk}/workflow/resolve/"
    page = client.get(url).content.decode()
    assert 'id="reply-template" data-fills="id_reply"' in page
    assert "电梯故障已修复" in page and "路灯已修复" not in page
    assert "维保单位于……月……日完成维修" in page  # listed in full: usable without JavaScript
    assert "reply_templates.js" in page
    edited = "您好！维保单位已于12月1日更换曳引机，电梯恢复运行。"
    assert client.post(url, {"reply": edited, "note": ""}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.public_reply == edited


def test_a_step_without_templates_shows_no_template_box(client):
    unit = f.department()
    appeal = in_progress("010101", unit)
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    page = client.get(f"/admin/appeals/appeal/{appeal.pk}/workflow/supervise/").content.decode()
    assert "reply-template" not in page


def test_district_officials_write_templates_and_others_only_read_them(client):
    client.force_login(staff(f.official(scope=ScopeKind.DISTRICT)))
    response = client.post(
        "/admin/appeals/replytemplate/add/",
        {
            "step": "resolve",
            "category": cat("0902").pk,
            "kind": "",
            "title": "燃气类",
            "text": "……",
            "order": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    written = ReplyTemplate.objects.get(title="燃气类")
    client.force_login(staff(f.official(scope=ScopeKind.SUBDISTRICT, subdistrict=f.subdistrict())))
    assert client.get("/admin/appeals/replytemplate/").status_code == 200
    assert client.get("/admin/appeals/replytemplate/add/").status_code == 403
    response = client.post(f"/admin/appeals/replytemplate/{written.pk}/change/", {"title": "改"})
    assert response.status_code == 403
