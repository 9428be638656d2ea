"""The editors' desk in a browser: an imported column found, edited and put out; a hero image
that survives a preview and a refusal; autosave offered back after a reload; the action bar."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.people import choose_topics, flash, log_in, open_letter, send_letter
from tests.e2e.test_screens import shoot

pytestmark = pytest.mark.e2e

LETTER = (
    "Dear Ethics Consult,\n\nA client keeps arriving twenty minutes early and reading in the "
    "waiting room, which I share with two colleagues. They have started to ask me about it. "
    "Is it mine to raise with him?"
)


def _press(page: Page, action: str) -> None:
    """Press a button of the action bar, opening its menu first if the button is in there."""
    bar = page.get_by_role("group", name="Actions")
    button = bar.get_by_role("button", name=action, exact=True)
    if not button.is_visible():
        bar.get_by_text("More actions").click()
    button.click()


def test_an_imported_column_is_found_edited_and_put_out(new_context: NewContext) -> None:
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    editor.get_by_role("navigation", name="Admin").get_by_role("link", name="Columns").click()
    editor.get_by_label(re.compile("^Search")).fill("therapy file")
    editor.get_by_role("button", name="Show").click()
    editor.get_by_role("link", name=re.compile("therapy file", re.IGNORECASE)).click()
    summary = editor.get_by_label("Summary")
    summary.fill("When a parent asks for what a young client said in the room.")
    editor.get_by_label("Identifying details reviewed").check()
    _press(editor, "Update live column")
    expect(flash(editor)).to_have_text("The live column is updated.")
    view = editor.get_by_role("link", name="view", exact=True).get_attribute("href")
    reader = new_context().new_page()
    reader.goto(str(view))
    expect(reader.get_by_text("When a parent asks for what a young client said")).to_be_visible()


def test_a_hero_image_survives_a_preview_and_a_refusal_then_goes_out(
    new_context: NewContext, tmp_path: Path
) -> None:
    picture = tmp_path / "waiting-room.png"
    Image.new("RGB", (1200, 630), (90, 140, 150)).save(picture)
    send_letter(new_context().new_page(), LETTER, "Early Every Week")
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    open_letter(editor, "twenty minutes early")
    editor.get_by_label("Title", exact=True).fill("The client who comes early")
    editor.get_by_label(re.compile("^Upload")).set_input_files(str(picture))
    editor.get_by_label(re.compile("^Alt text")).fill("An empty waiting room with three chairs")
    _press(editor, "Preview")
    preview = editor.get_by_role("article", name="Preview of the column")
    expect(
        preview.get_by_role("img", name="An empty waiting room with three chairs")
    ).to_be_visible()

    _press(editor, "Publish now")  # no summary, no topic, no review: refused
    expect(editor.get_by_role("alert")).to_contain_text("a summary")
    expect(editor.get_by_role("img", name=re.compile("waiting room"))).not_to_have_count(0)

    editor.get_by_label("Summary").fill(
        "A client who is always early, and the colleagues who notice."
    )
    editor.get_by_label("Answer (Markdown)").fill("Raise it with him kindly; it is yours to raise.")
    choose_topics(editor, ["Boundaries"])
    editor.get_by_label("Identifying details reviewed").check()
    _press(editor, "Publish now")
    expect(flash(editor)).to_have_text("Published.")
    view = editor.get_by_role("link", name="view", exact=True).get_attribute("href")
    reader = new_context().new_page()
    reader.goto(str(view))
    hero = reader.get_by_role("img", name="An empty waiting room with three chairs")
    expect(hero).to_be_visible()
    assert hero.evaluate("img => img.naturalWidth") > 0


def test_autosave_offers_the_text_back_after_a_reload(
    new_context: NewContext, screens: Path
) -> None:
    send_letter(new_context().new_page(), LETTER.replace("twenty", "thirty"), "Early Again")
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    open_letter(editor, "thirty minutes early")
    editor.get_by_label("Title", exact=True).fill("Thirty minutes early")
    status = editor.locator("#autosave-status")
    expect(status).to_contain_text("Autosaved at", timeout=15_000)
    editor.reload()  # the first autosave started the column's draft: the title is kept
    expect(editor.get_by_label("Title", exact=True)).to_have_value("Thirty minutes early")

    editor.get_by_label("Answer (Markdown)").fill("Half an answer, typed and never saved.")
    choose_topics(editor, ["Fees"])
    expect(status).to_contain_text("Autosaved at", timeout=15_000)
    expect(editor.locator("#word-counts")).to_contain_text("min read")
    shoot(editor, screens / "letter-desk-1280")
    editor.reload()
    expect(editor.get_by_label("Answer (Markdown)")).to_have_value("")
    offer = editor.get_by_role("status").filter(has_text="never saved")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Restore them").click()
    expect(editor.get_by_label("Answer (Markdown)")).to_have_value(
        "Half an answer, typed and never saved."
    )
    chosen = editor.get_by_role("list", name="Chosen for this column")
    expect(chosen).to_contain_text("Fees")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "editor")
    open_letter(phone, "thirty minutes early")
    expect(phone.get_by_role("group", name="Actions")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, screens / "letter-desk-390")


def test_leaving_with_unsaved_text_asks_first(new_context: NewContext) -> None:
    send_letter(new_context().new_page(), LETTER.replace("twenty", "forty"), "Earliest")
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    open_letter(editor, "forty minutes early")
    editor.get_by_label("Answer (Markdown)").fill("Not saved yet.")
    asked: list[str] = []
    editor.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with contextlib.suppress(PlaywrightError):  # staying put cancels the navigation
        editor.goto("/admin/queue", wait_until="commit")
    assert asked == ["beforeunload"]
    expect(editor).to_have_url(re.compile(r"/admin/questions/\d+$"))


SMALL_PRINT = (
    "Complete course information, including CE approvals and refund, grievance and "
    "accommodations policies, is available via the course link above."
)


def test_a_resource_from_the_library_shows_on_the_column_with_its_small_print(
    new_context: NewContext,
) -> None:
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    editor.get_by_role("navigation", name="Admin").get_by_role("link", name="Resources").click()
    editor.get_by_role("link", name="New resource").click()
    editor.get_by_label("Title").fill("Early arrivals and the waiting room")
    editor.get_by_label("Text", exact=True).fill("A short course on the edges of the session.")
    editor.get_by_label("Link address").fill("https://courses.example.org/waiting-room")
    editor.get_by_label(re.compile("^Small print")).fill(SMALL_PRINT)
    editor.get_by_role("button", name="Add resource").click()
    expect(flash(editor)).to_have_text("Resource added to the library.")

    editor.get_by_role("navigation", name="Admin").get_by_role("link", name="Columns").click()
    editor.get_by_label(re.compile("^Search")).fill("scarf")
    editor.get_by_role("button", name="Show").click()
    editor.get_by_role("link", name=re.compile("scarf", re.IGNORECASE)).first.click()
    editor.get_by_label("Callout after the answer").select_option(
        label="Early arrivals and the waiting room"
    )
    editor.get_by_label("Identifying details reviewed").check()
    _press(editor, "Update live column")
    expect(flash(editor)).to_have_text("The live column is updated.")

    reader = new_context().new_page()
    reader.goto(str(editor.get_by_role("link", name="view", exact=True).get_attribute("href")))
    callout = reader.get_by_role("complementary", name="Early arrivals and the waiting room")
    expect(callout.get_by_role("link", name=re.compile("^Explore course"))).to_have_attribute(
        "href", "https://courses.example.org/waiting-room"
    )
    expect(callout).to_contain_text(SMALL_PRINT)


def test_a_typo_in_the_topics_creates_no_topic(new_context: NewContext) -> None:
    send_letter(new_context().new_page(), LETTER.replace("twenty", "fifty"), "Far Too Early")
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    open_letter(editor, "fifty minutes early")
    editor.get_by_label("Title", exact=True).fill("Fifty minutes early")
    editor.get_by_role("combobox", name="Topics").fill("Boundarys")
    _press(editor, "Save draft")
    expect(editor.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(editor.get_by_text("“Boundarys” is not a topic")).to_be_visible()
    editor.goto("/admin/topics")
    expect(editor.get_by_role("link", name="Boundaries", exact=True)).to_be_visible()
    expect(editor.get_by_text("Boundarys")).to_have_count(0)
