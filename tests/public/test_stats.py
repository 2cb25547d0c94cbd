from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.appeals.services import appeal_accept, appeal_assign, appeal_rate, appeal_resolve, appeal_sign
from apps.public.periods import period_for
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/stats/"


def handled(area, department, *, rating: str | None = "satisfied", submitted_at: datetime | None = None):
    appeal = f.appeal(area=area, submitted_at=submitted_at or timezone.now() - timedelta(hours=1))
    appeal_accept(appeal=appeal)
    appeal_assign(appeal=appeal, department=department)
    appeal_sign(appeal=appeal)
    appeal = appeal_resolve(appeal=appeal, reply="已办结。")
    if rating:
        appeal = appeal_rate(appeal=appeal, rating=rating)
    return appeal


def rows(html: str, table_caption: str) -> list[list[str]]:
    """The body rows of one rates table as lists of cell texts."""
    start = html.index(f"<caption>{table_caption}</caption>")
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    result = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        result.append([re.sub(r"<[^>]+>", " ", c).split() for c in cells])
    return [[" ".join(parts) for parts in r] for r in result]


def test_period_presets_cover_the_expected_days():
    today = date(2026, 5, 17)
    assert period_for("year", today=today).first_day == date(2026, 1, 1)
    assert period_for("year", today=today).last_day == date(2026, 12, 31)
    assert (period_for("month", today=today).first_day, period_for("month", today=today).last_day) == (
        date(2026, 5, 1),
        date(2026, 5, 31),
    )
    quarter = period_for("quarter", today=today)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 4, 1), date(2026, 6, 30))
    last12 = period_for("last12", today=today)
    assert (last12.first_day, last12.last_day) == (date(2025, 6, 1), date(2026, 5, 17))
    december = period_for("quarter", today=date(2026, 12, 31))
    assert (december.first_day, december.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    custom = period_for("custom", today=today, start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert custom.end - custom.start == timedelta(days=28)
    assert period_for("nonsense", today=today).key == "year"


def test_rates_by_subdistrict_and_department_are_shown_with_their_counts(client, settings):
    settings.RATES_MIN_SAMPLE = 1
    taishan = f.subdistrict("泰山街道")
    dept = f.department("区市政园林局")
    handled(taishan, dept, rating="satisfied")
    handled(taishan, dept, rating="unsatisfied")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    table = rows(html, "各街道三率")
    assert table == [["1", "泰山街道", "2", "100.0% 2/2", "100.0% 2/2", "50.0% 1/2", "80.0"]]
    departments = rows(html, "各承办单位三率")
    assert departments[0][1] == "区市政园林局"
    assert "响应率" in html and "解决率" in html and "满意率" in html
    assert "在规定时间内" in html  # the plain-words definition


def test_groups_below_the_minimum_sample_get_no_rank(client, settings):
    settings.RATES_MIN_SAMPLE = 3
    big, small = f.subdistrict("奎山街道"), f.subdistrict("金山街道")
    dept = f.department()
    for rating in ("satisfied", "unsatisfied", "unsatisfied"):
        handled(big, dept, rating=rating)
    handled(small, dept, rating="satisfied")  # perfect, but only one request
    table = rows(client.get(URL).content.decode(), "各街道三率")
    assert table[0][:2] == ["1", "奎山街道"]
    assert table[1][:3] == ["不排名", "金山街道", "1"]
    assert "诉求少于 3 件的单位只显示数字、不参加排名" in client.get(URL).content.decode()


def test_the_default_period_is_this_year_and_presets_change_it(client, settings):
    settings.RATES_MIN_SAMPLE = 1
    taishan = f.subdistrict("泰山街道")
    dept = f.department()
    now = timezone.now()
    handled(taishan, dept)
    handled(taishan, dept, submitted_at=now - timedelta(days=400))
    this_year = rows(client.get(URL).content.decode(), "各街道三率")
    assert this_year[0][2] == "1"
    last_year_start = date(timezone.localdate().year - 1, 1, 1)
    custom = client.get(
        URL, {"period": "custom", "start": str(last_year_start - timedelta(days=400)), "end": str(timezone.localdate())}
    )
    assert rows(custom.content.decode(), "各街道三率")[0][2] == "2"
    month = client.get(URL, {"period": "month"}).content.decode()
    assert rows(month, "各街道三率")[0][2] == "1"
    assert f"{timezone.localdate().replace(day=1):%Y-%m-%d}</time> 至" in month


def test_a_bad_custom_period_gets_chinese_messages_and_falls_back_to_this_year(client):
    response = client.get(URL, {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html
    assert f"{timezone.localdate().year}-01-01</time> 至" in html
    assert client.get(URL, {"start": "not-a-date"}).status_code == 200
    assert "请选择结束日期" in client.get(URL, {"period": "custom", "start": "2026-01-01"}).content.decode()


def test_the_chart_data_sits_beside_the_table_and_the_chart_has_aria_on(client, settings):
    settings.RATES_MIN_SAMPLE = 1
    handled(f.subdistrict("泰山街道"), f.department(), rating=None)
    html = client.get(URL).content.decode()
    data = json.loads(re.search(r'id="chart-data-subdistrict" type="application/json">(.*?)</script>', html).group(1))
    assert data["names"] == ["泰山街道"]
    assert data["satisfaction"] == [None]  # nobody rated yet: no bar, not a zero
    assert data["response"] == [100.0]
    assert "vendor/echarts/echarts.min.js" in html
    with open("static/js/stats.js", encoding="utf-8") as script:
        assert "aria: { enabled: true" in script.read()


def test_the_page_needs_the_same_number_of_queries_for_ten_times_the_data(client):
    def make(n):
        for i in range(n):
            f.appeal(area=f.subdistrict(f"街道{i % 7}"), submitted_at=timezone.now() - timedelta(hours=2))

    def count():
        cache.clear()  # the uncached path: what a page costs when it is rebuilt
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    make(5)
    small = count()
    make(45)
    assert count() == small
    assert small <= 6  # two 三率 tables (aggregate + names) and two project comparisons (one each)


def test_equal_scores_share_a_rank_and_small_groups_are_skipped(settings):
    from apps.appeals.selectors import Rates
    from apps.public.selectors_stats import _rank

    settings.RATES_MIN_SAMPLE = 5

    def rates(name, received, satisfied):
        return Rates(1, name, received, received, received, received, received, satisfied)

    ranked = _rank([rates("甲", 10, 10), rates("乙", 8, 8), rates("丙", 6, 3), rates("丁", 2, 2)])
    assert [(r.rank, r.rates.name) for r in ranked] == [(1, "甲"), (1, "乙"), (3, "丙"), (None, "丁")]
