"""Phone, ID and house numbers are starred however residents write them; dates, amounts,
years and tracking numbers are not. Each row is a form seen in 12345 work orders."""

from __future__ import annotations

import re

import pytest

from apps.common.privacy import hide_house_numbers, hide_numbers, public_text

# Every digit of the number must be starred (full-width and Chinese numerals too).
NUMBERS = [
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "139.1234.5678",
    "139－1234－5678",  # full-width dashes
    "１３９１２３４５６７８",  # full-width digits
    "１３９ １２３４ ５６７８",
    "１３９．１２３４．５６７８",
    "139/1234/5678",
    "139／1234／5678",
    "139 - 1234 - 5678",
    "139_1234_5678",
    "139·1234·5678",
    "139。1234。5678",  # an input method's full stop
    "139\u30001234\u30005678",  # ideographic spaces
    "+86 139 1234 5678",
    "+8613912345678",
    "+86-139-1234-5678",
    "0086-139-1234-5678",
    "86 13912345678",
    "139 1234\n5678",  # split over a line break
    "1391234\r\n5678",
    "1 3 9 1 2 3 4 5 6 7 8",
    "13912 345678",
    "0516-83801234",
    "0516 8380 1234",
    "(0516)83801234",
    "（0516）8380-1234",
    "0516－８３８０１２３４",
    "0516-\n83801234",
    "010-82345678",
    "021 6234 5678",
    "+86 516 8380 1234",
    "83801234",
    "电话：8380 1234",
    "座机 8380-1234",
    "320303198001011234",
    "32030319800101123X",
    "320303 19800101 123X",
    "3203 0319 8001 0112 3x",
    "６２２２ ０２１２ ３４５６ ７８９０",  # a bank card
    "6222 0212 3456 7890 123",
    "一三九一二三四五六七八",
    "幺三九幺二三四五六七八",
]

# Nothing here may change.
KEPT = [
    "2026-11-03",
    "2026.11.03",
    "2026/11/03 13:45",
    "2026年11月3日",
    "２０２６年１１月３日",
    "2026-03-01至2026-03-31",
    "12月1日至12月31日",
    "2025-2026年度",
    "2019 2020 2021",
    "QS-2026-000123",
    "受理编号QS-2026-000123号",
    "3号楼",
    "9号楼3单元502室",
    "3000元",
    "3000-5000元",
    "1,500,000元",
    "1500000元",
    "￥2500000",
    "150万元",
    "12.5万元",
    "120.5平方米",
    "12345热线",
    "400-800-1234",
    "95598",
    "8:30-17:30",
    "每月1-15日",
    "第3页",
    "3月5号",
    "电话费2026元",
    "一二年级",
]


def digits_left(text: str) -> str:
    return re.sub(r"[^0-9０-９〇零幺一二三四五六七八九Xx]", "", text)


@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_is_starred_however_it_is_written(number):
    masked = hide_numbers(f"请回电{number}，谢谢")
    assert masked.startswith("请回电") and masked.endswith("，谢谢")
    assert digits_left(masked) == "", masked


@pytest.mark.parametrize("number", NUMBERS[:20])
def test_a_number_next_to_a_date_is_starred_and_the_date_stays(number):
    masked = hide_numbers(f"2026-11-03 {number} 2026年11月3日")
    assert masked.startswith("2026-11-03 ") and masked.endswith(" 2026年11月3日")
    assert digits_left(masked) == "202611032026113", masked


@pytest.mark.parametrize("text", KEPT)
def test_dates_amounts_years_and_tracking_numbers_stay(text):
    assert hide_numbers(text) == text


def test_separators_and_line_breaks_keep_their_place():
    assert hide_numbers("139.1234.5678") == "***.****.****"
    assert hide_numbers("（0516）8380\n1234") == "（****）****\n****"


def test_a_page_of_digits_is_masked_in_linear_time():
    # 5,000 characters of single digits and spaces: no quadratic search over the groups.
    assert set(hide_numbers("1 " * 2500)) <= {"*", " ", "1"}


# --- building, unit, room and house numbers ----------------------------------------------------

HOUSES = [
    ("纺织厂新村9号楼3单元502室", "纺织厂新村*号楼*单元***室"),
    ("纺织厂新村９号楼３单元５０２室", "纺织厂新村*号楼*单元***室"),
    ("12号楼 3 单元 401 室", "**号楼 * 单元 *** 室"),
    ("三号楼五单元", "*号楼*单元"),
    ("第三单元", "第*单元"),
    ("9栋302", "*栋***"),
    ("9幢1单元", "*幢*单元"),
    ("A座1502", "A座****"),
    ("建国路77号", "建国路**号"),
    ("3号院", "*号院"),
    ("二〇一室", "***室"),
    ("9-3-502", "*-*-***"),
    ("9#302", "*#***"),
    ("3号楼2单元楼道灯坏了", "*号楼*单元楼道灯坏了"),
]

HOUSE_KEPT = [
    "11月3号",
    "本月15号前",
    "地铁1号线",
    "泉政发〔2026〕12号",
    "两栋楼",
    "一室一厅",
    "QS-2026-000123号",
    "12345热线",
    "2026年",
    "3000元",
    "第3号",
    "2026-11-03",
]


@pytest.mark.parametrize(("text", "masked"), HOUSES)
def test_house_numbers_are_starred(text, masked):
    assert hide_house_numbers(text) == masked


@pytest.mark.parametrize("text", HOUSE_KEPT)
def test_dates_lines_and_file_numbers_are_not_house_numbers(text):
    assert hide_house_numbers(text) == text


def test_the_public_text_hides_both():
    assert public_text("纺织厂新村9号楼3单元，电话139.1234.5678") == "纺织厂新村*号楼*单元，电话***.****.****"
