from __future__ import annotations

from django import template

from apps.notifications.officials import BELL_CAP, unread_notice_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context) -> str:
    """The admin header's bell: the signed-in official's unread notices (one count query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = unread_notice_count(user)
    return f"{BELL_CAP}+" if count > BELL_CAP else (str(count) if count else "")
