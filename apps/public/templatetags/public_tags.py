"""Template helpers of the public site: display preferences, navigation state, query strings."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.html import format_html

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
    return format_html(' aria-current="page"') if hit else ""


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
