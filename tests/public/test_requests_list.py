from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.appeals.services import (
    appeal_accept,
    appeal_assign,
    appeal_link_projects,
    appeal_resolve,
    appeal_set_publication,
    appeal_sign,
)
from tests import factories as f
from tests.public.helpers import areas

pytestmark = pytest.mark.django_db

# A list's count runs under a statement timeout on PostgreSQL (apps.common.paging): a savepoint,
# reading and setting the timeout twice and the release add five fixed queries there.
COUNT_EXTRA = 5 if connection.vendor == "postgresql" else 0

URL = "/requests/"


def published(**fields):
    appeal = f.appeal(**fields)
    return appeal_set_publication(appeal=appeal, approved=True)


def test_only_consented_and_approved_requests_are_listed(client):
    shown = published(title="公开的诉求")
    f.appeal(title="未审核的诉求")  # consented, not approved
    f.appeal(title="未同意公开的诉求", consent_to_publish=False)
    html = client.get(URL).content.decode()
    assert shown.title in html
    assert "未审核的诉求" not in html
    assert "未同意公开的诉求" not in html


def test_rows_show_a_masked_name_and_no_phone_or_exact_location(client):
    _taishan, taishan_c, *_ = areas()
    published(
        area=taishan_c,
        submitter_name="欧阳娜娜",
        submitter_phone="13687654321",
        location_text="泰山路88号5栋302室",
    )
    html = client.get(URL).content.decode()
    assert "欧***" in html
    assert "欧阳娜娜" not in html
    assert "13687654321" not in html
    assert not re.search(r"(?<!\d)4321(?!\d)", html)
    assert "泰山路88号" not in html
    assert "泰山街道 · 泰山社区" in html


def test_the_public_reply_and_linked_public_projects_are_shown(client):
    appeal = published()
    project = f.project(title="老旧小区改造一期")
    hidden = f.project(title="未公开的项目", is_public=False)
    appeal_link_projects(appeal=appeal, projects=[project, hidden])
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=f.department())
    appeal_sign(appeal=appeal)
    appeal_resolve(appeal=appeal, reply="已修复，感谢反映。", note="内部备注")
    html = client.get(URL).content.decode()
    assert "已修复，感谢反映。" in html
    assert f'href="/projects/{project.pk}/"' in html
    assert "未公开的项目" not in html
    assert "内部备注" not in html


def test_filters_by_programme_area_status_and_type(client):
    taishan, taishan_c, kuishan, kuishan_c = areas()
    a = published(title="甲诉求", area=taishan_c, programme=f.programme("lvse"), kind="complaint")
    b = published(title="乙诉求", area=kuishan_c, programme=f.programme("bianmin"), kind="help")
    c = published(title="丙诉求", area=kuishan, programme=f.programme("bianmin"), kind="suggestion")
    appeal_accept(appeal=c)

    def titles(**params):
        html = client.get(URL, params).content.decode()
        return {t for t in ("甲诉求", "乙诉求", "丙诉求") if t in html}

    assert titles() == {"甲诉求", "乙诉求", "丙诉求"}
    assert titles(programme="lvse") == {"甲诉求"}
    assert titles(area=kuishan.pk) == {"乙诉求", "丙诉求"}
    assert titles(area=kuishan_c.pk) == {"乙诉求"}
    assert titles(area=taishan.pk) == {"甲诉求"}
    assert titles(status="accepted") == {"丙诉求"}
    assert titles(type="complaint") == {"甲诉求"}
    assert titles(type="help", area=kuishan.pk) == {"乙诉求"}
    assert a and b


def test_bad_filter_values_do_not_break_the_page(client):
    published(title="公开的诉求")
    for params in ({"area": "abc"}, {"status": "nope"}, {"programme": "x"}, {"page": "999"}, {"type": "<b>"}):
        response = client.get(URL, params)
        assert response.status_code == 200


def test_the_list_is_paginated_and_filters_stay_in_the_links(client):
    for i in range(25):
        published(title=f"诉求{i:02d}", kind="help")
    first = client.get(URL, {"type": "help"}).content.decode()
    assert "共 25 条" in first
    assert "type=help&amp;page=2" in first or "page=2&amp;type=help" in first
    second = client.get(URL, {"type": "help", "page": 2}).content.decode()
    assert "诉求00" in second  # oldest on the last page
    assert "诉求24" not in second


def test_the_list_needs_the_same_number_of_queries_for_ten_times_the_data(client, committing):
    def make(n):
        project = f.project()
        for i in range(n):
            appeal = published(title=f"批量{i}")
            appeal_link_projects(appeal=appeal, projects=[project])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"area": "", "status": ""}).status_code == 200
        return len(ctx.captured_queries)

    make(3)
    small = count()
    with committing():
        make(27)
    assert count() == small
    assert small <= 7 + COUNT_EXTRA  # + where the count's window starts (LIST_COUNT_WINDOW)
