"""Template helpers of the public site: display preferences, navigation state, query strings."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from apps.common.dates import time_element
from apps.common.i18n import localized
from apps.public.display import DisplayPrefs, prefs_from_request

register = template.Library()


@register.simple_tag(takes_context=True)
def display_prefs(context) -> DisplayPrefs:
    request: HttpRequest | None = context.get("request")
    return prefs_from_request(request) if request is not None else DisplayPrefs()


@register.simple_tag(takes_context=True)
def display_classes(context) -> str:
    return display_prefs(context).css_classes


@register.simple_tag(takes_context=True)
def nav_current(context, path: str, exact: bool = False) -> str:
    """` aria-current="page"` on the navigation link of the page being shown."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    current = request.path
    hit = current == path if exact else current.startswith(path)
    return mark_safe(' aria-current="page"') if hit else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one).

    Changing a filter or the sorting sends the reader back to page 1.
    """
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


register.filter("localized", localized)


@register.filter
def percent_width(value) -> str:
    """A progress value as a CSS width, clamped to 0–100 and dot-decimal whatever the locale."""
    try:
        number = min(100.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        number = 0.0
    return f"{number:.1f}%"


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current page, with `…` gaps, for the pagination bar."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.simple_tag
def colon() -> str:
    """A colon in the page's language: full-width in Chinese."""
    return ": " if _english() else "："


@register.simple_tag
def sep() -> str:
    """A list separator in the page's language: 、 in Chinese."""
    return ", " if _english() else "、"


@register.filter
def paren(value) -> str:
    """`value` in brackets of the page's language: （…） in Chinese, ( … ) in English."""
    text = conditional_escape(value)
    return mark_safe(f" ({text})" if _english() else f"（{text}）")


@register.filter
def abs_value(value: int) -> int:
    return abs(value)


@register.inclusion_tag("partials/follow_form.html")
def follow_form(kind: str, target) -> dict:
    """The e-mail follow form of a project, area or programme page (no CSRF token: see views_follows)."""
    from apps.public.forms import FollowForm

    return {"form": FollowForm(initial={"kind": kind, "target": target}, auto_id="follow-%s")}


@register.filter
def zh(value) -> str:
    """Data written in Chinese (a name, a title, a resident's words) marked as such, so that on an
    English page a screen reader pronounces it as Chinese (WCAG 3.1.2, language of parts)."""
    text = conditional_escape(value)
    return mark_safe(f'<span lang="zh-CN">{text}</span>') if text else ""


@register.filter
def when(value, part: str = "") -> str:
    """A date or moment as a <time> element whose date never breaks at its hyphens ("2026-11-30");
    `when:"date"` gives a moment's day alone."""
    return time_element(value, with_time=part != "date")
