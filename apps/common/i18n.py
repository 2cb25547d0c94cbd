"""Bilingual fields: models keep a Chinese `<field>` and an optional English `<field>_en`."""

from __future__ import annotations

from django.utils.translation import get_language


def localized(obj, field_name: str) -> str:
    """`obj.<field>_en` when the page is in English and it is filled in, else `obj.<field>`."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field_name}_en", "")
        if english:
            return english
    return getattr(obj, field_name, "")
