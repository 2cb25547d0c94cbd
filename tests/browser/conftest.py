"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Without /usr/bin/chromium (or Playwright) these tests skip, unless REQUIRE_BROWSER=1 (set by
.ci/run), where they fail: CI must really run them. Playwright never downloads a browser here.
Every request that leaves the live server is aborted and recorded, so pages are tested as
they behave on a closed government network, and a test can assert nothing tried to leave.
Any Content-Security-Policy violation the browser reports in its console fails the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE_WIDTH = 375


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    # Playwright's sync API keeps an asyncio loop on this thread; the test's own ORM calls
    # (set-up data, the official resolving a request) are synchronous and safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Session:
    """A phone-sized browser tab on the live server, and the requests it tried to send elsewhere."""

    page: object
    base_url: str
    external: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def go(self, path: str):
        return self.page.goto(self.base_url + path, wait_until="load")

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def session(browser, live_server) -> Iterator[Session]:
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 812},
        locale="zh-CN",
        device_scale_factor=1,
    )
    result = Session(page=None, base_url=live_server.url)

    def keep_local(route) -> None:
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith("data:"):
            route.continue_()
        else:
            result.external.append(url)
            route.abort()

    def watch_console(message) -> None:
        if "Content Security Policy" in message.text:
            result.csp_violations.append(f"{result.page.url}: {message.text}")

    context.route("**/*", keep_local)
    result.page = context.new_page()
    result.page.on("console", watch_console)
    result.page.set_default_timeout(15_000)
    in_flight: set = set()
    result.page.on("request", lambda request: in_flight.add(request))
    result.page.on("requestfinished", lambda request: in_flight.discard(request))
    result.page.on("requestfailed", lambda request: in_flight.discard(request))
    yield result
    # Let the live server answer what the page still asks (a favicon, a fetch) before the test's
    # database is flushed: SQLite refuses the flush while a server thread reads a table.
    for _ in range(50):
        if not in_flight:
            break
        result.page.wait_for_timeout(100)
    context.close()
    # Every page a browser test opens must work under the Content-Security-Policy as it is.
    assert not result.csp_violations, "\n".join(result.csp_violations)


@pytest.fixture
def small_jpeg(tmp_path) -> Path:
    path = tmp_path / "楼道.jpg"
    Image.new("RGB", (120, 90), (180, 90, 40)).save(path, format="JPEG")
    return path
