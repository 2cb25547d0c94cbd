"""The resident's journey in a real browser: from the dashboard to a rated request."""

from __future__ import annotations

import re

import pytest

from apps.appeals.models import Appeal, Status
from apps.appeals.services import appeal_accept, appeal_assign, appeal_resolve, appeal_sign
from tests.browser.site import build_site
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_follows_a_project_submits_a_request_tracks_it_and_rates_it(session, small_jpeg):
    site = build_site()
    page = session.page

    session.go("/")
    session.screenshot("journey-01-home")
    page.get_by_role("link", name="便民舒心").first.click()
    page.wait_for_url(re.compile(r"/programmes/bianmin/$"))
    session.screenshot("journey-02-programme")
    page.get_by_role("link", name=site.project.title).first.click()
    page.wait_for_url(re.compile(rf"/projects/{site.project.pk}/$"))
    assert page.get_by_role("heading", name=site.project.title).is_visible()
    session.screenshot("journey-03-project")

    page.get_by_role("link", name="我要反映").first.click()
    page.wait_for_url(re.compile(r"/requests/new/$"))
    page.get_by_label("投诉").check()
    page.get_by_label("涉及哪方面（六心板块）").select_option("bianmin")
    page.get_by_label("标题").fill("康居社区5号楼楼道灯不亮")
    page.get_by_label("详细情况").fill("5号楼1单元楼道灯坏了两周，老人晚上上下楼看不清。")
    page.get_by_label("照片（可选，最多 3 张）").set_input_files(str(small_jpeg))
    page.get_by_label("所在街道").select_option(label="泰山街道")
    # With JavaScript, the 社区 list shows only the chosen 街道's 社区.
    community_options = page.locator("#id_community option").all_inner_texts()
    assert "康居社区" in community_options and "奎园社区" not in community_options
    page.get_by_label("所在社区").select_option(label="康居社区")
    page.get_by_label("具体位置").fill("5号楼1单元")
    page.get_by_label("您的姓名").fill("钱桂芳")
    page.get_by_label("手机号码").fill("13852001234")
    consent = page.get_by_label("我同意公开这条诉求")
    assert not consent.is_checked()
    consent.check()
    session.screenshot("journey-04-form-filled")
    page.get_by_role("button", name="提交").click()

    page.wait_for_url(re.compile(r"/requests/new/done/$"))
    tracking_no = page.locator("[data-tracking-no]").inner_text().strip()
    assert re.fullmatch(r"QS-\d{4}-\d{6}", tracking_no)
    assert page.locator("[data-tracking-no]").is_visible()
    session.screenshot("journey-05-tracking-number")
    appeal = Appeal.objects.get(tracking_no=tracking_no)
    assert appeal.area == site.community
    assert appeal.photos.count() == 1
    assert appeal.consent_to_publish

    page.get_by_role("link", name="查询办理进度").click()
    page.wait_for_url(re.compile(r"/requests/track/$"))
    page.get_by_label("受理编号").fill(tracking_no)
    page.get_by_label("手机号码后四位").fill("1234")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-status]")
    assert page.locator("[data-status]").get_attribute("data-status") == Status.SUBMITTED
    assert "1234" not in page.url
    session.screenshot("journey-06-tracked-submitted")

    # Meanwhile, in the back office, officials handle it through the services.
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=site.department)
    appeal_sign(appeal=appeal)
    appeal_resolve(appeal=appeal, reply="已更换5号楼1单元楼道灯，感谢您的反映。", note="内部：物业配合")

    session.go("/requests/track/")
    page.get_by_label("受理编号").fill(tracking_no.lower())
    page.get_by_label("手机号码后四位").fill("1234")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-status=resolved]")
    assert page.get_by_text("已更换5号楼1单元楼道灯，感谢您的反映。").first.is_visible()
    assert page.get_by_text("物业配合").count() == 0
    session.screenshot("journey-07-resolved-rating-form")
    assert axe_violations(session) == []
    page.get_by_label("已解决", exact=True).check()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("意见或建议（可选）").fill("修得很及时。")
    page.get_by_role("button", name="提交评价").click()

    page.wait_for_selector("[data-rating=satisfied]")
    assert page.get_by_text("感谢您的评价！").is_visible()
    assert page.locator("input[name=rating]").count() == 0
    session.screenshot("journey-08-rated")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert appeal.rating == "satisfied"
    assert appeal.rating_comment == "修得很及时。"
    assert not [url for url in session.external if "tile" not in url], session.external
