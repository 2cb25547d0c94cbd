"""Money on public pages reads per language: 万元 in Chinese, whole yuan in English ("¥243,000"),
through the one `money` filter (apps.common.numbers.format_money)."""

from __future__ import annotations

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
