"""Money on public pages reads per language: 万元 in Chinese, whole yuan in English ("¥243,000"),
through the one `money` filter (apps.common.numbers.format_money)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return f.project(title="康居社区加装电梯", planned_investment=Decimal("24.30"), invested=Decimal("12.15"))


@pytest.mark.parametrize(
    "path",
    ["/projects/{pk}/", "/projects/{pk}/board/", "/programmes/bianmin/", "/"],
    ids=["project", "board", "programme", "home"],
)
def test_english_pages_show_yuan_and_chinese_pages_wan(client, project, path):
    url = path.format(pk=project.pk)
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    if "{pk}" in path:
        assert "24.3 万元" in chinese
        assert "¥243,000" in english
    else:  # the programme's totals
        assert "万元" in chinese and "¥" in english
    assert "万元" not in english and "10,000 yuan" not in english


def test_the_project_page_shows_the_invested_share_in_english(client, project):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "¥121,500 (50%)" in body


def test_the_comparison_table_money_columns_read_as_their_headers_say(client, project):
    """The 三率 page's project comparison: in Chinese the header names 万元 and the cells are plain
    numbers; in English the cells are whole yuan and the header names no unit, never "wan"."""
    chinese = client.get("/stats/").content.decode()
    assert re.search(r"<th[^>]*>计划投资（万元）</th>", chinese)
    assert re.search(r'data-label="计划投资（万元）"[^>]*>24.30</td>', chinese)
    assert re.search(r'data-label="已完成投资（万元）"[^>]*>12.15</td>', chinese)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/stats/").content.decode()
    assert re.search(r"<th[^>]*>Planned investment</th>", english)
    assert re.search(r'data-label="Planned investment"[^>]*>¥243,000</td>', english)
    assert re.search(r'data-label="Invested so far"[^>]*>¥121,500</td>', english)
    assert "万元" not in english and "10,000 yuan" not in english
    assert not re.search(r"\bwan\b", english, re.IGNORECASE)
