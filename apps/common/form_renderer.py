"""Django's form widgets drawn in Python: the HTML of Django's own widget templates, at a fraction
of their cost (settings.FORM_RENDERER).

Each widget drawn through the templates is an include of `input.html`, an include of `attrs.html`
and one include per <option> or radio button: on the residents' request form that was about half
of drawing the page (8 of 16 ms of CPU), and the page is drawn again for every refused post,
pixel bombs included. The widgets below are written here, character for character as Django's
templates write them (tests/common/test_form_renderer.py renders every one both ways and compares);
any other template (the admin's widgets, a widget with its own template, an option of an unknown
kind) is rendered by the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
# What `{{ value }}` does in a template with autoescape on: localize, then escape unless safe.
# Read only (autoescape, use_l10n, use_tz), so one context serves every thread.
_TEMPLATE_OUTPUT = Context(autoescape=True)


class _Unknown(Exception):
    """A part this module does not draw: the whole widget goes through the templates."""


def _out(value: Any) -> str:
    """`{{ value }}`."""
    return render_value_in_context(value, _TEMPLATE_OUTPUT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe value safe)."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # the filter's own formatting
    return _out(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`."""
    return "".join(
        f" {_out(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


# Each function returns what its template renders, with the newline that ends each template
# file: an include keeps it (a blank line between <option>s), the renderer strips the outermost.


def _input(widget: Mapping[str, Any]) -> str:
    """`input.html` (and text.html, email.html ... which only include it)."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'


def _input_option(widget: Mapping[str, Any]) -> str:
    """`input_option.html`: a choice's radio button or checkbox, in its label."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    for_id = widget["attrs"].get("id")
    label_for = f' for="{_out(for_id)}"' if for_id else ""
    return f"<label{label_for}>{_input(widget)} {_out(widget['label'])}</label>\n"


def _choice_option(widget: Mapping[str, Any]) -> str:
    """`radio_option.html`, `checkbox_option.html`: an include of input_option.html."""
    return _input_option(widget) + "\n"


def _select_option(widget: Mapping[str, Any]) -> str:
    return f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>{_out(widget["label"])}</option>\n'


OPTIONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    f"{WIDGETS}select_option.html": _select_option,
    f"{WIDGETS}radio_option.html": _choice_option,
    f"{WIDGETS}checkbox_option.html": _choice_option,
    f"{WIDGETS}input_option.html": _input_option,
}


def _option(option: Mapping[str, Any]) -> str:
    draw = OPTIONS.get(option.get("template_name", ""))
    if draw is None:
        raise _Unknown
    return draw(option)


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: Mapping[str, Any]) -> str:
    """`multiple_input.html`: radio buttons, checkboxes of a multiple choice."""
    attrs = widget["attrs"]
    box_id = f' id="{_out(attrs["id"])}"' if attrs.get("id") else ""
    box_class = f' class="{_out(attrs["class"])}"' if attrs.get("class") else ""
    parts = [f"<div{box_id}{box_class}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_out(group)}</label>")
        parts.extend(f"<div>\n    {_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = _out(value) if value else ""
    return f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>\n'


DRAWN: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **dict.fromkeys(INPUT_TEMPLATES, _input),
    f"{WIDGETS}select.html": _select,
    f"{WIDGETS}radio.html": _multiple_input,
    f"{WIDGETS}checkbox_select.html": _multiple_input,
    f"{WIDGETS}multiple_input.html": _multiple_input,
    f"{WIDGETS}textarea.html": _textarea,
    **OPTIONS,
}


class PythonWidgetsRenderer(DjangoTemplates):
    """Django's default form renderer, with its common widgets drawn in Python (see above)."""

    def render(self, template_name: str, context: dict, request=None) -> str:
        draw = DRAWN.get(template_name)
        if draw is not None and "widget" in context:
            try:
                # Every value escaped as the templates do; stripped as Django strips a rendered widget.
                return mark_safe(draw(context["widget"]).strip())
            except (_Unknown, KeyError):
                pass
        return super().render(template_name, context, request)
