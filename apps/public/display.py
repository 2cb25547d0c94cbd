"""Reader's display preferences (large text, high contrast), kept in cookies per browser.

They work without JavaScript: the switch is a small GET form to `display_set`, which sets the
cookies and sends the reader back. `static/js/site.js` applies the same change without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

TEXT_COOKIE = "qs_text"
CONTRAST_COOKIE = "qs_contrast"
COOKIE_MAX_AGE = 365 * 24 * 3600
# The 街道 or 社区 a resident chose on the home page (an area id): the home page opens with it.
AREA_COOKIE = "qs_area"
# Cookies that change how a page looks: cached pages are kept per combination of them.
DISPLAY_COOKIES = (TEXT_COOKIE, CONTRAST_COOKIE)


@dataclass(frozen=True)
class DisplayPrefs:
    large_text: bool = False
    high_contrast: bool = False

    @property
    def css_classes(self) -> str:
        classes = []
        if self.large_text:
            classes.append("text-large")
        if self.high_contrast:
            classes.append("contrast-high")
        return " ".join(classes)


def prefs_from_request(request: HttpRequest) -> DisplayPrefs:
    return DisplayPrefs(
        large_text=request.COOKIES.get(TEXT_COOKIE) == "large",
        high_contrast=request.COOKIES.get(CONTRAST_COOKIE) == "high",
    )
