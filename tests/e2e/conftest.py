"""Browser fixtures: one real server and one Chromium for the session, a clean context per test.

Every page a test opens is watched: a console error, an uncaught exception or a request to any
host but the site itself fails the test that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Request,
    expect,
    sync_playwright,
)

from tests.e2e.site import Site, running_site
from tests.e2e.tour import SAMPLE_LETTER

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = Path(__file__).resolve().parent / "screens"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# A busy CI machine can be slow to answer; a person would wait that long too.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if here in Path(str(item.fspath)).parents and not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site(tmp_path_factory.mktemp("e2e") / "var") as live:
        yield live


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What the pages of one context did that a visitor should never see."""

    def __init__(self, base_url: str) -> None:
        self.netloc = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self.documents: set[str] = set()

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs a page served with 4xx as a console error. Such a page (a form sent
        # back with a message) is what the test asserts; a broken script or style is not.
        status = message.text.partition("status of ")[2][:3]
        url = message.location["url"]
        if status.startswith("4") and url in self.documents:
            return
        self.problems.append(f"console error: {message.text} at {url}")

    def request(self, request: Request) -> None:
        if request.resource_type == "document":
            self.documents.add(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.netloc != self.netloc:
            self.problems.append(f"request to another host: {request.url}")


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def watch(site: Site) -> Watch:
    return Watch(site.base_url)


@pytest.fixture
def new_context(browser: Browser, site: Site, watch: Watch) -> Iterator[NewContext]:
    """Open browser contexts on the site (desktop-sized unless told); all closed at the end."""
    contexts: list[BrowserContext] = []

    def open_context(**options: object) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=site.base_url, **options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        context.on("console", watch.console)
        context.on("weberror", lambda error: watch.problems.append(f"page error: {error.error}"))
        context.on("request", watch.request)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture(scope="session")
def sample_status(site: Site) -> str:
    """The status page of a letter with identifying details in it, sent once per session."""
    return site.post_letter(SAMPLE_LETTER, "Guarded Now")


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS.mkdir(exist_ok=True)
    return SCREENS
