"""Masking of residents' personal data for anything the public can see.

`hide_numbers` stars phone, ID and bank-card numbers however they were typed; `hide_house_numbers`
stars building, unit, room and house numbers; `public_text` does both and is what a request's
public version starts from (the approving official may edit it; see `appeal_set_publication`).
A masked character becomes one `*`, separators stay, so the text keeps its shape.
"""

from __future__ import annotations

import re

# Full-width digits are read as digits; the translated copy has the same length as the text,
# so a position found in the copy is the same position in the original.
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_CHINESE_DIGITS = str.maketrans("〇零幺一二三四五六七八九", "001123456789")

# What people put between the digit groups of one number: spaces and line breaks, dots,
# dashes and slashes of any width, brackets round an area code, a plus before the country code.
_SEP = (
    r"[\s\u3000.\u3002\uff0e\u00b7\u30fb\u2022"  # spaces, dots
    r"\-\u2010-\u2015\u2212\uff0d\u2500\u2501_\uff3f"  # dashes, underscores
    r"/\uff0f\\\uff3c()\uff08\uff09+\uff0b]"  # slashes, brackets, plus
)
# A digit group; an ID number may end in X.
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![A-Za-z]))?")
# Digit groups joined by at most three separator characters ("139 - 1234 - 5678", "0516)\n8380").
_CHUNK = re.compile(rf"[0-9]+(?:[Xx](?![A-Za-z]))?(?:{_SEP}{{1,3}}[0-9]+(?:[Xx](?![A-Za-z]))?)*")

_MOBILE = r"(?:0086|86)?1[3-9]\d{9}"
# Area code 010 / 02x with 8 digits, 0xxx with 7 or 8; local numbers never start with 0, 1 or 9.
_LANDLINE = r"(?:0|0086|86)(?:[12]\d[2-8]\d{7}|[3-9]\d{2}[2-8]\d{6,7})"
_ID = r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
# Digits spread over several groups: only these shapes are numbers to hide (a date is not).
_SPLIT_NUMBER = re.compile(rf"{_MOBILE}|{_LANDLINE}|{_ID}")
# No number to hide has more digits: longer stretches of groups are never tried.
MAX_DIGITS = 19
# One unbroken run: 7 or more digits is a phone, ID or account number, unless it is an amount.
_LONG_RUN = re.compile(r"\d{7,}[Xx]?")
_AMOUNT_AFTER = re.compile(r"\s*(?:元|块|万|亿|RMB|rmb)")
_AMOUNT_BEFORE = re.compile(r"[¥￥]\s*$")
# Bank cards: four-digit groups, 16 to 19 digits in all.
_CARD_GROUPS = re.compile(rf"\d{{4}}(?:{_SEP}{{1,3}}\d{{4}}){{3}}(?:{_SEP}{{1,3}}\d{{1,4}})?")
# After such a word, 7 to 12 digits however grouped are a contact number ("电话：8380 1234").
_PHONE_WORD = re.compile(r"(?:电话|手机|座机|号码|联系方式|tel|TEL|Tel|phone|Phone|QQ|qq|微信)[^0-9\n]{0,6}$")
# A phone number spoken in Chinese numerals (一三九一二三四五六七八, 幺 for 1).
_CHINESE_RUN = re.compile(r"[〇零幺一二三四五六七八九]{11,13}")
_CHINESE_PHONE = re.compile(rf"{_MOBILE}|{_LANDLINE}")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a blank name stays anonymous."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return name[0] + "*" * max(1, len(name) - 1)


def _star(text: str, spans: list[tuple[int, int]], hidden: str) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] in hidden:
                chars[i] = "*"
    return "".join(chars)


_DIGIT_CHARS = "0123456789０１２３４５６７８９Xxｘ"


def _number_spans(text: str) -> list[tuple[int, int]]:
    plain = text.translate(_WIDE_DIGITS)
    spans: list[tuple[int, int]] = []
    for chunk in _CHUNK.finditer(plain):
        groups = list(_GROUP.finditer(chunk.group()))
        offset = chunk.start()
        after_phone_word = bool(_PHONE_WORD.search(plain[max(0, offset - 16) : offset]))
        for card in _CARD_GROUPS.finditer(chunk.group()):
            spans.append((offset + card.start(), offset + card.end()))
        i = 0
        while i < len(groups):
            j_max, total = i, 0
            while j_max < len(groups) and total + len(groups[j_max].group()) <= MAX_DIGITS:
                total += len(groups[j_max].group())
                j_max += 1
            for j in range(max(j_max, i + 1), i, -1):
                digits = "".join(g.group() for g in groups[i:j])
                start, end = offset + groups[i].start(), offset + groups[j - 1].end()
                if _SPLIT_NUMBER.fullmatch(digits) or (j == i + 1 and _is_long_run(plain, start, end)):
                    spans.append((start, end))
                    i = j
                    break
            else:
                end = _local_number_end(groups, i) if i == 0 and after_phone_word else None
                if end is not None:
                    spans.append((offset + groups[0].start(), offset + groups[end - 1].end()))
                i = end or i + 1
    for run in _CHINESE_RUN.finditer(text):
        if _CHINESE_PHONE.search(run.group().translate(_CHINESE_DIGITS)):
            spans.append((run.start(), run.end()))
    return spans


def _local_number_end(groups: list[re.Match], i: int) -> int | None:
    """After 电话/手机/…: the fewest groups that hold 7 to 12 digits ("8380 1234"), else None."""
    total = 0
    for j in range(i, len(groups)):
        total += len(groups[j].group())
        if total >= 7:
            return j + 1 if total <= 12 else None
    return None


def _is_long_run(plain: str, start: int, end: int) -> bool:
    if not _LONG_RUN.fullmatch(plain[start:end]):
        return False
    if _SPLIT_NUMBER.fullmatch(plain[start:end]):
        return True
    return not (_AMOUNT_AFTER.match(plain, end) or _AMOUNT_BEFORE.search(plain[max(0, start - 3) : start]))


def hide_numbers(text: str) -> str:
    """A request's text with phone, ID and bank-card numbers starred however they were written:
    139.1234.5678, 139－1234－5678 in full width, +86 139 1234 5678, (0516) 8380 1234, split over
    a line break, or in Chinese numerals. Dates, amounts, years, tracking numbers and 3号楼 stay."""
    text = text or ""
    return _star(text, _number_spans(text), _DIGIT_CHARS + "〇零幺一二三四五六七八九")


# --- Building, unit, room and house numbers ---------------------------------------------------

_D = "0-9０-９"
_CN = "〇零一二三四五六七八九十百"
# 9号楼 / 9栋 / 9幢 / 3单元 / 502室 / 建国路77号 / 3号院, in Arabic or full-width digits.
_HOUSE = re.compile(
    rf"(?<![A-Za-z{_D}\-－/])[{_D}]+(?=\s*(?:号楼|号院|栋|幢|单元|室|号(?!线|文|令|窗口|台|机)))"
    # …and in Chinese numerals where that is a building or unit: 三号楼, 五栋, 二单元.
    rf"|(?<![{_CN}])[{_CN}]{{1,4}}(?=(?:号楼|栋|幢|单元|室(?!一?厅)))"
    # A room number right after the building or unit: 3单元502, 9栋-302, A座1502.
    rf"|(?:(?<=号楼)|(?<=栋)|(?<=幢)|(?<=单元)|(?<=座))[\s\-－]*[{_D}]{{2,4}}(?![{_D}])"
    # The 9-3-502 and 9#302 shorthands (building-unit-room).
    rf"|(?<![{_D}\-－/.])[{_D}]{{1,3}}\s*[#＃\-－]\s*[{_D}]{{1,2}}\s*[\-－]\s*[{_D}]{{2,4}}(?![{_D}\-－/.])"
    rf"|(?<![{_D}])[{_D}]{{1,3}}\s*[#＃]\s*[{_D}]{{0,4}}"
)
# 号 after a month or a document number is a date or a file number (11月3号, 〔2026〕12号).
_NOT_HOUSE = re.compile(r"(?:月|日|〕|\]|】|）|\)|第)\s*$")
_BARE_HAO = re.compile(r"\s*号(?!楼|院)")


def hide_house_numbers(text: str) -> str:
    """Building, unit, room and house numbers starred: 纺织厂新村9号楼3单元502室 →
    纺织厂新村*号楼*单元***室; 11月3号, 8号线, 〔2026〕12号 and 两栋楼 stay."""
    text = text or ""
    spans = [
        match.span()
        for match in _HOUSE.finditer(text)
        if not (_NOT_HOUSE.search(text[: match.start()][-3:]) and _BARE_HAO.match(text, match.end()))
    ]
    return _star(text, spans, _DIGIT_CHARS + _CN)


def public_text(text: str) -> str:
    """What the public may read of a resident's or an official's text, before an official's edit."""
    return hide_house_numbers(hide_numbers(text))
