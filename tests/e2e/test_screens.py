"""Every page on a phone (390 px) and a desktop (1280 px): nothing spills sideways, and a
screenshot of each lands in tests/e2e/screens/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.people import log_in
from tests.e2e.tour import STOPS

pytestmark = pytest.mark.e2e

OVERFLOW = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest(".visually-hidden, .skip-link, .field--trap"))
  .slice(0, 5).map(el => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_every_page_fits_the_screen(
    new_context: NewContext, sample_status: str, screens: Path, viewport: dict[str, int]
) -> None:
    visitor = new_context(viewport=viewport).new_page()
    editor = new_context(viewport=viewport).new_page()
    log_in(editor, "editor")
    too_wide: dict[str, list[str]] = {}
    for stop in STOPS:
        page = editor if stop.staff else visitor
        stop.visit(page, sample_status)
        if spilled := page.evaluate(OVERFLOW):
            too_wide[stop.name] = spilled
        shoot(page, screens / f"{stop.name}-{viewport['width']}")
    assert not too_wide, f"wider than the {viewport['width']} px screen: {too_wide}"


LOAD_LAZY_IMAGES = """() => Promise.all([...document.images].map(img => {
  img.loading = "eager";
  return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
}))"""


def shoot(page: Page, stem: Path) -> None:
    """The whole page, and what fits on the first screen (the smaller picture for docs)."""
    page.evaluate(LOAD_LAZY_IMAGES)  # a person scrolling would see them; a full-page shot not
    page.screenshot(path=f"{stem}.png", full_page=True, animations="disabled")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=f"{stem}-top.png", animations="disabled")
