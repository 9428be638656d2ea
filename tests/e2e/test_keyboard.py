"""The whole journey with the keyboard alone: every step reached with Tab, pressed with Enter
(Space for a checkbox), and every stop on the way shows where the focus is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import NewContext
from tests.e2e.people import ANSWER, flash, tab_to
from tests.e2e.site import PASSWORD, STAFF

pytestmark = pytest.mark.e2e

LETTER = (
    "Dear Ethics Consult,\n\nI only use a keyboard, and so does one of my clients. She asked "
    "whether she could record our sessions to listen to them again later. Is that wise?"
)
TITLE = "Recording our sessions"


def test_the_journey_by_keyboard_alone(new_context: NewContext) -> None:
    reader = new_context().new_page()
    reader.goto("/")
    stops = tab_to(reader, reader.get_by_role("link", name="Skip to content"))
    assert stops == ['a "Skip to content"'], "the skip link is the first stop"
    press(reader, reader.get_by_role("link", name="Ask a question"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Dear Ethics Consult…")
    type_into(reader, "Your letter", LETTER)
    type_into(reader, "Sign it with a pen name", "Keys Only")
    consent = reader.get_by_label("You may publish an edited, anonymised version")
    tab_to(reader, consent)
    reader.keyboard.press("Space")
    expect(consent).to_be_checked()
    press(reader, reader.get_by_role("button", name="Send my letter"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Your letter: Received")
    status_url = reader.url

    editor = new_context().new_page()
    editor.goto("/admin/login")
    type_into(editor, "Email address", STAFF["editor"][0])
    type_into(editor, "Password", PASSWORD)
    with editor.expect_navigation():
        editor.keyboard.press("Enter")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Letters")
    press(editor, editor.get_by_role("link", name=re.compile("record our sessions")))
    expect(editor.get_by_role("heading", name=re.compile(r"^Letter #"))).to_be_visible()
    type_into(editor, "Title", TITLE)
    type_into(editor, "Summary", "A client wants to record her sessions.")
    type_into(editor, "Answer (Markdown)", ANSWER)
    type_into(editor, "Topics", "Records")
    press(editor, editor.get_by_role("button", name="Preview"))
    preview = editor.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    review = editor.get_by_label("Identifying details reviewed")
    tab_to(editor, review)
    editor.keyboard.press("Space")
    expect(review).to_be_checked()
    press(editor, editor.get_by_role("button", name="Publish now"))
    expect(flash(editor)).to_have_text("Published.")

    visitor = new_context().new_page()
    visitor.goto("/")
    press(
        visitor, visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Topics")
    )
    press(visitor, visitor.get_by_role("link", name="Records", exact=True))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Records")
    press(visitor, visitor.get_by_role("link", name=TITLE))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    type_into(visitor, "Search the columns", "record sessions")
    with visitor.expect_navigation():
        visitor.keyboard.press("Enter")
    press(visitor, visitor.get_by_role("link", name=TITLE))
    expect(visitor.get_by_role("region", name="The letter")).to_contain_text("—Keys Only")

    reader.goto(status_url)
    press(reader, reader.get_by_role("link", name=f"Read the published answer: {TITLE}"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)


def type_into(page: Page, label: str, text: str) -> None:
    """Tab to the field whose label starts with these words and type into it (replacing what
    it held)."""
    field = page.get_by_label(re.compile("^" + re.escape(label)))
    tab_to(page, field)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(text)
    expect(field).to_have_value(text)


def press(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter, which loads another page."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")
