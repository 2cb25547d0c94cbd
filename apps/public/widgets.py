"""Form widgets of the public site."""

from __future__ import annotations

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

AUTO = "auto"
CHINESE = re.compile(r"[\u3400-\u9fff]")


def _lang_attr(lang: str, label) -> str:
    if lang == AUTO:
        lang = "zh-CN" if CHINESE.search(str(label)) else ""
    return f' lang="{lang}"' if lang else ""


def _option_html(option: dict, lang: str) -> str:
    attrs = flatatt(option["attrs"]) if option["attrs"] else ""  # flatatt is slow; most options have none
    if lang and option["value"] not in ("", None):
        attrs += _lang_attr(lang, option["label"])
    return f'\n  <option value="{escape(option["value"])}"{attrs}>{escape(option["label"])}</option>'


class PlainSelect(forms.Select):
    """Django's <select>, written in Python instead of a template include per <option>.

    The 社区 list has about two hundred options; through the templates they took about a third
    of the request page's time (4× what this takes), and the page is drawn again for every
    refused submission, pixel bombs included.

    `option_lang` marks the options (and groups) whose labels are data, such as area names, with
    their language, so English pages say which words are Chinese; the empty choice keeps the page's.
    `option_lang="auto"`: labels of a model's `name`/`name_en` pair, Chinese where no English is
    filled in, are marked Chinese when they are written in Chinese.
    """

    def __init__(self, attrs=None, choices=(), option_lang: str = ""):
        super().__init__(attrs, choices)
        self.option_lang = option_lang

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                lang = _lang_attr(self.option_lang, group_name)
                parts.append(f'\n  <optgroup label="{escape(group_name)}"{lang}>')
            parts.extend(_option_html(option, self.option_lang) for option in options)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # names, values and labels escaped above; flatatt escapes
