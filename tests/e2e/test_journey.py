"""A letter's whole life in a real browser: a reader sends it, an editor answers and publishes
it, a visitor finds and reads it, and the reader's status page links to it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NewContext
from tests.e2e.people import (
    EDITED_LETTER,
    LETTER,
    Column,
    choose_topics,
    fill_column,
    flash,
    log_in,
    open_letter,
    write_letter,
)
from tests.e2e.site import Site

pytestmark = pytest.mark.e2e

COLUMN = Column(
    title="The painting on my chair",
    summary="A client leaves a gift at the end of therapy. Keep it, return it, or talk about it?",
    topics="Boundaries, Gifts",
)
READER_EMAIL = "gift.giver@example.net"


def test_letter_goes_from_reader_to_published_column(new_context: NewContext, site: Site) -> None:
    reader = new_context().new_page()
    status_url = reader_sends_letter(reader)

    editor = new_context().new_page()
    editor_publishes_answer(editor)

    visitor = new_context().new_page()
    visitor_finds_and_reads_column(visitor)

    reader.goto(status_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Your letter: Published")
    with reader.expect_request(re.compile("/columns/")) as opening:
        reader.get_by_role("link", name=f"Read the published answer: {COLUMN.title}").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(COLUMN.title)
    # The private link never travels on, not even to the site's own pages.
    assert "/ask/status/" not in (opening.value.header_value("referer") or "")
    assert_reader_was_told(site)


def reader_sends_letter(page: Page) -> str:
    """From the home page to the private status page, sending the form with the keyboard."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dear Ethics Consult…")
    write_letter(page, LETTER, "Gift Giver", email=READER_EMAIL, topic="Boundaries")
    page.get_by_label("You may publish an edited, anonymised version").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my letter")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/ask/status/[\w-]{22,}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter: Received")
    expect(page.get_by_text("Your letter has arrived safely.")).to_be_visible()
    expect(page.get_by_text("She is 34 and has just finished")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my letter")).to_be_visible()
    return page.url


def editor_publishes_answer(page: Page) -> None:
    log_in(page, "editor")
    open_letter(page, "left a small painting on my chair")

    letter_marks = page.locator(".marked-field:has(#letter) mark")
    for detail in ("Maria", "St Anne's Hospital", "34"):
        expect(letter_marks.filter(has_text=detail)).to_have_count(1)
    aid = page.locator("#aid-panel")
    expect(aid).to_contain_text(re.compile(r"[3-9] possible identifying details"))
    original = page.get_by_role("region", name=re.compile("Original letter"))
    expect(original).to_contain_text("Maria, a client I have seen weekly")

    fill_column(page, Column(COLUMN.title, COLUMN.summary, "Boundaries"))
    choose_topics(page, ["Gifts"], create=True)  # a new topic, made on purpose
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("article", name="Preview of the column")
    expect(preview.get_by_role("heading", level=1)).to_have_text(COLUMN.title)
    expect(preview.get_by_role("strong")).to_have_text("thank you")
    expect(preview.locator(".answer__text").get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_label("Letter (edited and anonymised)")).to_have_value(EDITED_LETTER)
    expect(letter_marks).to_have_count(0)

    page.get_by_label("Identifying details reviewed").check()
    page.get_by_role("button", name="Publish now").click()
    expect(flash(page)).to_have_text("Published.")
    expect(page.get_by_role("link", name="view", exact=True)).to_be_visible()


def visitor_finds_and_reads_column(page: Page) -> None:
    page.goto("/")
    latest = page.get_by_role("region", name="Latest columns")
    expect(latest.get_by_role("link", name=COLUMN.title)).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    page.get_by_role("link", name="Gifts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gifts")
    expect(page.get_by_text("1 column ·")).to_be_visible()
    expect(page.get_by_role("link", name=COLUMN.title)).to_be_visible()

    search = page.get_by_role("searchbox", name="Search the columns")
    search.fill("painting")
    search.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Results for “painting”")
    page.get_by_role("link", name=COLUMN.title).click()

    expect(page).to_have_title(f"{COLUMN.title} · Ethics Consult")
    expect(page.get_by_role("heading", level=1)).to_have_text(COLUMN.title)
    letter = page.get_by_role("region", name="The letter")
    expect(letter).to_contain_text("left a small painting on my chair")
    expect(letter).not_to_contain_text("Maria")
    expect(letter).to_contain_text("—Gift Giver")
    answer = page.get_by_role("region", name="The answer")
    expect(answer).to_contain_text("Receive it warmly")
    expect(answer).to_contain_text("— Eve Editor")
    topics = page.get_by_role("list", name="Topics").first
    expect(topics.get_by_role("link")).to_have_text(["Boundaries", "Gifts"])


def assert_reader_was_told(site: Site) -> None:
    """The published-answer mail reaches the reader's address with a link to the column."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        told = [m for m in site.mail() if m["To"] == READER_EMAIL and "answered" in m["Subject"]]
        if told:
            text = told[-1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
            assert COLUMN.title in text
            assert f"{site.base_url}/columns/" in text, text
            return
        time.sleep(0.5)
    subjects = [(m["To"], m["Subject"]) for m in site.mail()]
    raise AssertionError(f"no published-answer mail to {READER_EMAIL}; the maildir has {subjects}")
