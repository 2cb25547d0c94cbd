"""In a real phone-sized browser: the request form shows 附近已有相同反映 as the resident picks a
社区 and a class, without overflowing 375 px; an official's workflow page fills the reply from
a template, which the official edits before sending."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from apps.accounts.models import ScopeKind
from apps.appeals.services import appeal_set_publication, appeal_transition
from apps.categories.models import ProblemCategory
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def classification():
    """Transactional tests flush data migrations (tests/browser/site.py): load the classes and
    the seeded reply templates again."""
    importlib.import_module("apps.categories.migrations.0002_classification").load(apps, None)
    importlib.import_module("apps.appeals.migrations.0014_seed_reply_templates").load(apps, None)


def test_the_form_shows_open_published_requests_of_the_same_community_and_class(session):
    taishan = f.subdistrict("泰山街道")
    kangju = f.community("康居社区", parent=taishan)
    lift = f.appeal(area=kangju, title="5号楼电梯经常停运", category=ProblemCategory.objects.get(code="01"))
    appeal_set_publication(appeal=lift, approved=True)
    page = session.page
    session.go("/requests/new/")
    box = page.locator("[data-similar]")
    assert box.is_hidden()
    page.get_by_label("问题属于哪一类").select_option(label="城乡建设")
    page.get_by_label("所在街道").select_option(label="泰山街道")
    page.get_by_label("所在社区").select_option(label="康居社区")
    box.get_by_text(lift.tracking_no, exact=False).wait_for()
    assert "附近已有相同反映" in box.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    session.screenshot("similar-requests-on-the-form")
    page.get_by_label("问题属于哪一类").select_option(label="公共安全")
    box.wait_for(state="hidden")


def test_an_official_fills_the_reply_from_a_template_and_edits_it(session):
    unit = f.department("区住房和城乡建设局")
    appeal = f.appeal()
    appeal_transition(appeal=appeal, action="accept", category=ProblemCategory.objects.get(code="010101"))
    appeal_transition(appeal=appeal, action="assign", department=unit)
    appeal_transition(appeal=appeal, action="sign")
    official = f.official("zhujian", scope=ScopeKind.DEPARTMENT, department=unit)
    # Transactional tests flush the 工作人员 group: the unit's official gets its permissions directly.
    official.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_appeal", "change_appeal", "view_replytemplate"])
    )
    page = session.page
    session.go("/admin/login/")
    page.get_by_label("用户名").fill(official.username)
    page.get_by_label("密码").fill("pw-quanshan-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    session.go(f"/admin/appeals/appeal/{appeal.pk}/workflow/resolve/")
    page.locator("#reply-template").select_option(label="电梯故障已修复")
    reply = page.locator("#id_reply")
    assert "维保单位" in reply.input_value()
    reply.fill(reply.input_value().replace("……月……日", "12月1日"))
    session.screenshot("reply-template-filled")
    page.get_by_role("button", name="办结并答复").click()
    page.wait_for_url(f"**/admin/appeals/appeal/{appeal.pk}/change/")
    appeal.refresh_from_db()
    assert appeal.status == "resolved" and "12月1日" in appeal.public_reply
