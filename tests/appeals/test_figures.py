"""Every figure on a hand-built month, through the real state machine, worked out by hand below.

The period is March 2026 (31 days); the one before it (环比) is 2026-01-29 .. 2026-02-28. Today
is 2026-04-15, so a request counts as due when its deadline fell before 04-01. Deadlines:
respond within 24 h, sign within 24 h of 派单, resolve by the end of the 10th working day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import ScopeKind
from apps.appeals.figures import covering_rows, figure_definitions, figures
from apps.appeals.services import appeal_transition
from apps.common.workdays import add_working_days
from tests import factories as f

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
MARCH = {"first_day": date(2026, 3, 1), "last_day": date(2026, 3, 31), "today": date(2026, 4, 15)}


def at(m, d, h=9, minute=0):
    return timezone.make_aware(datetime(2026, m, d, h, minute), TZ)


def step(appeal, action, when, **kw):
    return appeal_transition(appeal=appeal.pk, action=action, at=when, **kw)


@pytest.fixture
def month():
    kuishan, taishan = f.subdistrict("奎山"), f.subdistrict("泰山")
    k, t = f.community(parent=kuishan), f.community(parent=taishan)
    d1, d2 = f.department("区住房和城乡建设局"), f.department("华润燃气")
    district = f.official(scope=ScopeKind.DISTRICT)

    def request(area, when):
        return f.appeal(area=area, submitted_at=when)  # 求助: resolve in 10 working days

    # A1 奎山, Mon 03-02 09:00 (resolve by 03-16): all in time, 回访 已解决 满意.
    a1 = request(k, at(3, 2))
    step(a1, "accept", at(3, 2, 10))
    step(a1, "assign", at(3, 2, 11), department=d1)
    step(a1, "sign", at(3, 2, 12))
    step(a1, "resolve", at(3, 5), reply="已修好。")
    step(a1, "revisit", at(3, 6), solved="yes", rating="satisfied")
    # A2 奎山, 03-03 09:00: accepted 48 h late; d1 signs 48 h late and returns it (回退); d2 signs
    # in time, resolves; 不满意/未解决 → 重办 03-10 (new deadline 03-24); a district official signs
    # for d2 as 代办, d2 resolves 03-12; 部分解决, 基本满意.
    a2 = request(k, at(3, 3))
    step(a2, "accept", at(3, 5))
    step(a2, "assign", at(3, 5, 10), department=d1)
    step(a2, "sign", at(3, 7, 10))
    step(a2, "return", at(3, 7, 11), reason="wrong_function")
    step(a2, "assign", at(3, 7, 12), department=d2)
    step(a2, "sign", at(3, 7, 13))
    step(a2, "resolve", at(3, 9), reply="已处理。")
    step(a2, "rate", at(3, 9, 12), rating="unsatisfied", solved="no")
    step(a2, "reopen", at(3, 10, 10))
    step(a2, "sign", at(3, 10, 11), by=district, proxy_reason="燃气公司系统故障")
    step(a2, "resolve", at(3, 12), reply="已重新处理。")
    step(a2, "rate", at(3, 13), rating="basically", solved="partly")
    # A3 奎山, 03-04 09:00 (resolve by 03-18): d1 signs in time, is supervised 03-10, asks for an
    # extension to 03-25, granted 03-17; still unresolved: due before 04-01.
    a3 = request(k, at(3, 4))
    step(a3, "accept", at(3, 4, 10))
    step(a3, "assign", at(3, 4, 11), department=d1)
    step(a3, "sign", at(3, 4, 12))
    step(a3, "supervise", at(3, 10), level="general", until=at(3, 12))
    step(a3, "request_extension", at(3, 16), until=add_working_days(at(3, 18), 5), reason="需要施工")
    step(a3, "approve_extension", at(3, 17))
    # A4 泰山, received 03-31 23:59; every step 04-01 just after midnight: in April's figures.
    a4 = request(t, at(3, 31, 23, 59))
    step(a4, "accept", at(4, 1, 0, 1))
    step(a4, "assign", at(4, 1, 0, 30), department=d2)
    step(a4, "sign", at(4, 1, 1))
    # A5 泰山, merged into A1 (counted once, as A1); A6 泰山 rejected in time.
    a5 = request(t, at(3, 10))
    step(a5, "merge", at(3, 10, 10), into=a1)
    a6 = request(t, at(3, 11))
    step(a6, "reject", at(3, 11, 10), reply="不属于受理范围。")
    # A7 奎山, received 02-27 23:59 (previous period): signed 03-01 00:01 (14 h after 派单),
    # resolved 03-03, closed 未评价 03-12.
    a7 = request(k, at(2, 27, 23, 59))
    step(a7, "accept", at(2, 28))
    step(a7, "assign", at(2, 28, 10), department=d1)
    step(a7, "sign", at(3, 1, 0, 1))
    step(a7, "resolve", at(3, 3), reply="已处理。")
    step(a7, "expire", at(3, 12))
    return kuishan, taishan, d1, d2


def values(group) -> dict:
    return {key: figure.value for key, figure in group.figures.items()}


def test_figures_per_subdistrict_match_the_hand_computation(month, django_assert_max_num_queries):
    kuishan, taishan, *_ = month
    with django_assert_max_num_queries(4):
        rows = {row.key: row for row in figures(**MARCH, group_by="subdistrict")}
    k = rows[kuishan.pk]
    assert values(k) == {
        "response": Decimal("66.7"),  # A1, A3 in time of A1, A2, A3 (A7 came in February)
        # (已解决 A1 + resolved unanswered 0) ÷ (answered A1, A2 + 0 + due unresolved A3) = 1/3
        "resolution": Decimal("33.3"),
        "satisfaction": Decimal("100.0"),  # 满意 A1, 基本满意 A2
        # Signs in March: A1, A2 ×3 (the first 48 h late), A3, A7 (14 h): 5 of 6 in time.
        "sign_in_time": Decimal("83.3"),
        "resolve_in_time": Decimal("100.0"),  # A1 by 03-16, A2 by its new deadline 03-24
        "return": Decimal("25.0"),  # 1 退单 of 4 派单 (A1, A2 ×2, A3)
        "reopen": Decimal("25.0"),  # 1 重办 of 4 办结 (A1, A2 ×2, A7)
        "extension": Decimal("25.0"),  # 1 approved of 4 派单
        "supervised": 1,
        "proxy": 1,
    }
    # February: A7 received, responded in time, resolved (未评价: counts as resolved, unanswered);
    # its 受理 and 派单 were steps of February, its 签收 one of March.
    previous = {key: figure.previous for key, figure in k.figures.items()}
    assert previous == {
        "response": Decimal("100.0"),
        "resolution": Decimal("100.0"),
        "satisfaction": None,
        "sign_in_time": None,
        "resolve_in_time": Decimal("100.0"),
        "return": Decimal("0.0"),
        "reopen": None,
        "extension": Decimal("0.0"),
        "supervised": 0,
        "proxy": 0,
    }
    assert k.figures["response"].change == Decimal("-33.3")
    assert k.figures["supervised"].change == 1
    assert (k.counts["received"], k.counts["unrated"], k.previous["unrated"]) == (3, 0, 1)

    t = rows[taishan.pk]
    # A4 and A6 received (A5 merged, counted once as A1); both answered in time; nothing due
    # (A4 is due 04-14, A6 was rejected); A4's steps fell on 04-01.
    assert (t.counts["received"], t.counts["merged"], t.counts["rejected"]) == (2, 1, 1)
    assert values(t)["response"] == Decimal("100.0")
    assert values(t)["resolution"] is None
    assert values(t)["return"] is None and values(t)["supervised"] == 0


def test_figures_per_department_count_each_unit_for_its_own_steps(month):
    *_, d1, d2 = month
    rows = {row.key: values(row) for row in figures(**MARCH, group_by="department")}
    assert rows[d1.pk] == {
        "response": Decimal("100.0"),  # A1, A3 (A2 now belongs to d2)
        "resolution": Decimal("50.0"),  # A1 已解决 ÷ (A1 answered + A3 due)
        "satisfaction": Decimal("100.0"),
        "sign_in_time": Decimal("75.0"),  # A1, A3, A7 in time; A2 late
        "resolve_in_time": Decimal("100.0"),
        "return": Decimal("33.3"),  # d1 returned A2: 1 of its 3 派单 (A1, A2, A3)
        "reopen": Decimal("0.0"),  # its 办结 A1, A7
        "extension": Decimal("33.3"),
        "supervised": 1,
        "proxy": 0,
    }
    assert rows[d2.pk] == {
        "response": Decimal("50.0"),  # A4 in time, A2 late
        "resolution": Decimal("0.0"),  # A2 部分解决; A4 not due yet
        "satisfaction": Decimal("100.0"),
        "sign_in_time": Decimal("100.0"),  # A2 twice (once 代办)
        "resolve_in_time": Decimal("100.0"),
        "return": Decimal("0.0"),
        "reopen": Decimal("50.0"),  # 1 重办 of its 2 办结
        "extension": Decimal("0.0"),
        "supervised": 0,
        "proxy": 1,
    }


def test_the_api_gives_every_figure_with_its_change_and_formula(month, client):
    kuishan, *_ = month
    with time_machine.travel(datetime(2026, 4, 15, 12, tzinfo=TZ), tick=False):
        body = client.get("/api/v1/stats/", {"start": "2026-03-01", "end": "2026-03-31"}).json()
    (row,) = [r for r in body["rates_by_subdistrict"] if r["id"] == kuishan.pk]
    assert (row["received"], row["responded_in_time"], row["due"], row["resolved"]) == (3, 2, 3, 1)
    assert row["resolution_rate"] == 33.3
    figures_by_key = {figure["key"]: figure for figure in row["figures"]}
    assert figures_by_key["return"] == {
        "key": "return",
        "label": "回退率",
        "is_rate": True,
        "numerator": 1,
        "denominator": 4,
        "value": 25.0,
        "previous": 0.0,
        "change": 25.0,
    }
    assert figures_by_key["supervised"]["value"] == 1 and figures_by_key["supervised"]["denominator"] is None
    assert body["figure_definitions"] == figure_definitions()
    assert body["figure_definitions"]["return"].startswith("回退率 = 退单（回退）次数 ÷ 派单次数")


def test_a_period_reads_whole_months_from_the_month_rows_and_its_edges_from_the_day_rows():
    def days(first, end, *, month=False):
        return Q(month=month, day__gte=first, day__lt=end)

    assert covering_rows(date(2026, 1, 15), date(2026, 4, 10)) == (
        days(date(2026, 2, 1), date(2026, 4, 1), month=True)
        | days(date(2026, 1, 15), date(2026, 2, 1))
        | Q(month=False, day__gte=date(2026, 4, 1), day__lte=date(2026, 4, 10))
    )
    assert covering_rows(date(2026, 3, 5), date(2026, 3, 20)) == Q(
        month=False, day__gte=date(2026, 3, 5), day__lte=date(2026, 3, 20)
    )
    assert covering_rows(date(2026, 3, 1), date(2026, 3, 31)).children[0] == days(
        date(2026, 3, 1), date(2026, 4, 1), month=True
    )


def test_the_stats_page_shows_every_figure_with_its_change_and_its_formula_in_words(month, client):
    with time_machine.travel(datetime(2026, 4, 15, 12, tzinfo=TZ), tick=False):
        body = client.get("/stats/", {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    figures_section = body[body.index('id="figures-title"') :]
    assert "回退率 = 退单（回退）次数 ÷ 派单次数 × 100%" in figures_section
    kuishan_row = figures_section[figures_section.index('<th scope="row" lang="zh-CN">奎山</th>') :].split("</tr>")[0]
    assert "83.3%" in kuishan_row and "5/6" in kuishan_row  # 及时签收率
    assert "环比 -33.3" in kuishan_row  # 响应率 66.7 against February's 100.0
