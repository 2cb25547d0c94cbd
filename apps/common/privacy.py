"""Masking of residents' personal data for anything the public can see."""

from __future__ import annotations

import re

# Phone and ID numbers typed into a request's text: runs of 7 or more digits, and mobile
# (139 1234 5678) or landline (0516-83801234) numbers written with separators. The official who
# approves publication reads the text; this is the second net. Dates survive.
_PHONE_OR_ID = re.compile(r"\d{7,}|1\d{2}[- ]?\d{4}[- ]?\d{4}|0\d{2,3}[- ]?\d{7,8}")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a blank name stays anonymous."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return name[0] + "*" * max(1, len(name) - 1)


def hide_numbers(text: str) -> str:
    """A request's published text with phone and ID numbers starred: 13912345678 → ***********.
    Every public output of a request's title, content and replies goes through it."""
    return _PHONE_OR_ID.sub(lambda m: "".join("*" if c.isdigit() else c for c in m.group()), text or "")
