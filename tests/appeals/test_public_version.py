"""What is published of a request is its public version: the approving official sees it
pre-filled with phone, ID and house numbers masked, may edit it, and every public output shows
only that version. The request's own text stays private and unchanged."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from apps.appeals.models import Appeal
from apps.appeals.services import appeal_link_projects, appeal_resolve, appeal_set_publication
from tests import factories as f
from tests.admin.conftest import staff

pytestmark = pytest.mark.django_db

TITLE = "纺织厂新村9号楼3单元楼道灯坏了"
CONTENT = "纺织厂新村9号楼3单元502室门口的灯坏了，请联系 139.1234.5678。2026年11月3日起就不亮。"
REPLY = "已派电工到9号楼3单元502室修好，并电话回访139-1234-5678。"
PRIVATE = ("9号楼", "3单元", "502室", "1234", "5678")


@pytest.fixture
def official():
    return staff(f.official("district"))


def resolved_request(**fields):
    appeal = f.appeal_in("in_progress", title=TITLE, content=CONTENT, consent_to_publish=True, **fields)
    return appeal_resolve(appeal=appeal, reply=REPLY)


def test_approving_publishes_a_masked_version_and_leaves_the_original(official):
    appeal = appeal_set_publication(appeal=resolved_request(), approved=True, by=official)
    appeal.refresh_from_db()
    assert appeal.published_title == "纺织厂新村*号楼*单元楼道灯坏了"
    assert appeal.published_content == (
        "纺织厂新村*号楼*单元***室门口的灯坏了，请联系 ***.****.****。2026年11月3日起就不亮。"
    )
    assert appeal.published_reply == "已派电工到*号楼*单元***室修好，并电话回访***-****-****。"
    assert (appeal.title, appeal.content, appeal.public_reply) == (TITLE, CONTENT, REPLY)


def test_the_officials_edit_is_published_but_a_phone_number_never_is(official):
    appeal = appeal_set_publication(
        appeal=resolved_request(),
        approved=True,
        by=official,
        published_title="  楼道灯坏了 ",
        published_content="楼道灯坏了，回电 13912345678。",
    )
    appeal.refresh_from_db()
    assert appeal.published_title == "楼道灯坏了"
    assert appeal.published_content == "楼道灯坏了，回电 ***********。"
    assert appeal.published_reply == "已派电工到*号楼*单元***室修好，并电话回访***-****-****。"  # the draft


def test_a_public_version_needs_a_title_and_content(official):
    appeal = resolved_request()
    with pytest.raises(ValidationError) as refused:
        appeal_set_publication(appeal=appeal, approved=True, by=official, published_title=" ", published_content="")
    assert set(refused.value.message_dict) == {"published_title", "published_content"}
    appeal.refresh_from_db()
    assert not appeal.publish_approved


def test_a_reply_written_after_publication_is_published_masked(official):
    appeal = f.appeal_in("in_progress", title=TITLE, content=CONTENT, consent_to_publish=True)
    appeal_set_publication(appeal=appeal, approved=True, by=official)
    appeal_resolve(appeal=appeal, reply=REPLY, by=official, proxy_reason="承办单位委托代为办结")
    appeal.refresh_from_db()
    assert appeal.public_reply == REPLY
    assert appeal.published_reply == "已派电工到*号楼*单元***室修好，并电话回访***-****-****。"


def test_every_public_output_shows_only_the_public_version(official):
    project = f.project(title="纺织厂新村路灯改造")
    appeal = resolved_request(area=project.areas.first() or f.community())
    appeal_link_projects(appeal=appeal, projects=[project], by=official)
    appeal_set_publication(
        appeal=appeal,
        approved=True,
        by=official,
        published_title="小区楼道灯坏了（审核版）",
        published_content="小区一处楼道灯坏了（审核版）。",
        published_reply="已修好（审核版）。",
    )
    site = Client()
    pages = {
        "/requests/": site.get("/requests/"),
        "area": site.get(f"/areas/{appeal.subdistrict_id}/"),
        "project": site.get(f"/projects/{project.pk}/"),
        "api list": site.get("/api/v1/requests/"),
        "api detail": site.get(f"/api/v1/requests/{appeal.pk}/"),
        "csv": site.get("/api/v1/requests/export.csv"),
        "open311 json": site.get("/open311/v2/requests.json"),
        "open311 xml": site.get(f"/open311/v2/requests/{appeal.tracking_no}.xml"),
    }
    xlsx = site.get("/api/v1/requests/export.xlsx")
    cells = [str(c) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row]
    pages["xlsx"] = xlsx
    for where, response in pages.items():
        assert response.status_code == 200, where
        body = "\n".join(cells) if where == "xlsx" else response.content.decode("utf-8-sig")
        assert "审核版" in body, where
        for private in (*PRIVATE, "纺织厂新村9", "门口的灯", "派电工"):
            assert private not in body, (where, private)
    detail = pages["api detail"].json()
    assert (detail["title"], detail["content"], detail["public_reply"]) == (
        "小区楼道灯坏了（审核版）",
        "小区一处楼道灯坏了（审核版）。",
        "已修好（审核版）。",
    )
    assert [step["reply"] for step in detail["timeline"] if step["reply"]] == ["已修好（审核版）。"]


# --- the back office ---------------------------------------------------------------------------


def test_the_publish_page_shows_the_masked_draft_and_publishes_the_officials_edit(client, official):
    appeal = resolved_request()
    client.force_login(official)
    url = reverse("admin:appeals_appeal_workflow", args=[appeal.pk, "publish"])
    page = client.get(url).content.decode()
    assert "纺织厂新村*号楼*单元楼道灯坏了" in page  # the draft, in the title field
    assert "***.****.****" in page and "***室修好" in page
    assert CONTENT in page  # the original beside it, for comparison
    response = client.post(
        url,
        {
            "published_title": "纺织厂新村楼道灯坏了",
            "published_content": "楼道灯坏了。",
            "published_reply": "已修好。",
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.publish_approved
    assert (appeal.published_title, appeal.published_content, appeal.published_reply) == (
        "纺织厂新村楼道灯坏了",
        "楼道灯坏了。",
        "已修好。",
    )
    change_page = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    assert "公开版本" in change_page and "纺织厂新村楼道灯坏了" in change_page
    edit_url = reverse("admin:appeals_appeal_workflow", args=[appeal.pk, "edit_public"])
    assert edit_url in change_page
    assert "纺织厂新村楼道灯坏了" in client.get(edit_url).content.decode()  # edits start from what is public


def test_a_blank_public_title_is_a_form_error(client, official):
    appeal = resolved_request()
    client.force_login(official)
    url = reverse("admin:appeals_appeal_workflow", args=[appeal.pk, "publish"])
    response = client.post(url, {"published_title": "", "published_content": "楼道灯坏了。"})
    assert response.status_code == 200
    assert response.context["form"].errors["published_title"]
    appeal.refresh_from_db()
    assert not appeal.publish_approved


def test_the_bulk_approval_shows_the_masked_drafts_then_publishes_them(client, official):
    appeal = resolved_request()
    client.force_login(official)
    action = {"action": "approve_publication", "_selected_action": [appeal.pk]}
    page = client.post(reverse("admin:appeals_appeal_changelist"), action)
    assert page.status_code == 200 and "纺织厂新村*号楼*单元楼道灯坏了" in page.content.decode()
    appeal.refresh_from_db()
    assert not appeal.publish_approved  # not before the official confirms what they saw
    client.post(reverse("admin:appeals_appeal_changelist"), {**action, "apply": "1"})
    appeal.refresh_from_db()
    assert appeal.publish_approved and appeal.published_title == "纺织厂新村*号楼*单元楼道灯坏了"


# --- requests published before the public version existed ---------------------------------------


def test_requests_approved_before_get_a_masked_public_version_by_migration(official):
    migration = importlib.import_module("apps.appeals.migrations.0003_public_version")
    published = appeal_set_publication(appeal=resolved_request(), approved=True, by=official)
    private = resolved_request()
    Appeal.objects.update(published_title="", published_content="", published_reply="")
    migration.mask_published_requests(django_apps, None)
    published.refresh_from_db()
    private.refresh_from_db()
    assert published.published_title == "纺织厂新村*号楼*单元楼道灯坏了"
    assert published.published_reply == "已派电工到*号楼*单元***室修好，并电话回访***-****-****。"
    assert private.published_title == ""
