"""The anonymisation aid in a browser: marks drawn in the text as the editor types, one-click
replacements, the review tick cleared by a later change, and a live column kept as a draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.people import Column, fill_column, flash, log_in, open_letter, send_letter
from tests.e2e.test_screens import shoot

pytestmark = pytest.mark.e2e

LETTER = (
    "Dear Ethics Consult,\n\nMy client told me that her brother has started waiting outside "
    "the building after our sessions. She says he means no harm. What do I owe her, and what "
    "do I owe the other people who use the building?"
)


def test_marks_follow_the_typing_and_a_replacement_works_in_place(
    new_context: NewContext, screens: Path
) -> None:
    send_letter(new_context().new_page(), LETTER, "Watched at the Door")
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    open_letter(editor, "waiting outside the building")
    fill_column(
        editor,
        Column(
            title="The brother outside the building",
            summary="A client's brother waits for her after every session.",
            topics="Safety",
            letter=LETTER,
            answer="Talk to Dr. Okafor, and ask Margaret what she would like to happen.",
        ),
    )
    answer_marks = editor.locator(".marked-field:has(#answer) mark")
    expect(answer_marks).to_have_count(2)
    expect(answer_marks.first).to_have_text("Dr. Okafor")
    panel = editor.locator("#aid-panel")
    expect(panel.get_by_text("In the answer")).to_be_visible()
    item = panel.locator(".aid__item", has=editor.locator("mark", has_text="Margaret"))
    item.get_by_role("button", name=re.compile("^Use ")).first.click()
    answer = editor.get_by_label("Answer (Markdown)")
    expect(answer).not_to_have_value(re.compile("Margaret"))
    expect(answer_marks).to_have_count(1)

    tick = editor.get_by_label("Identifying details reviewed")
    tick.check()
    answer.press("End")
    answer.type(" Then call Tomasz.")
    expect(tick).not_to_be_checked()
    expect(editor.get_by_text("so the tick was cleared")).to_be_visible()
    expect(answer_marks).to_have_count(2)
    shoot(editor, screens / "letter-aid-1280")

    editor.get_by_role("button", name="Publish now").click()
    expect(editor.get_by_role("alert")).to_contain_text("Tomasz")
    review = editor.locator("#review")
    expect(review).to_contain_text("possible identifying details in this exact text")

    phone = new_context(viewport=PHONE).new_page()
    log_in(phone, "editor")
    open_letter(phone, "waiting outside the building")
    phone.get_by_label("Answer (Markdown)").fill("Ask Grace Mbeki at Fernbrook Academy first.")
    expect(phone.locator(".marked-field:has(#answer) mark").first).to_be_visible()
    shoot(phone, screens / "letter-aid-390")


def test_a_live_column_keeps_a_draft_until_it_is_updated(
    new_context: NewContext, screens: Path
) -> None:
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, "editor")
    editor.get_by_role("link", name="Columns").click()
    editor.get_by_label(re.compile("^Search")).fill("scarf")
    editor.get_by_role("button", name="Show").click()
    editor.get_by_role("link", name=re.compile("scarf", re.IGNORECASE)).first.click()
    letter = editor.get_by_label("Letter (edited and anonymised)")
    letter.press("End")
    letter.type("\n\nShe lives on Harrow Road in Leeds.")
    editor.get_by_role("button", name="Save draft", exact=True).click()
    expect(flash(editor)).to_contain_text("Draft of changes saved")
    expect(editor.get_by_text("Draft of changes, not live yet.")).to_be_visible()
    editor.get_by_text("Compare with the live text").click()
    expect(editor.locator(".live-diff ins").last).to_have_text("She lives on Harrow Road in Leeds.")
    shoot(editor, screens / "column-draft-1280")
    view = editor.get_by_role("link", name="view", exact=True).get_attribute("href")
    visitor = new_context().new_page()
    visitor.goto(str(view))
    expect(visitor.get_by_text("Harrow Road")).to_have_count(0)
    editor.get_by_label("Identifying details reviewed").check()
    editor.get_by_role("button", name="Update live column").click()
    expect(flash(editor)).to_have_text("The live column is updated.")
    visitor.reload()
    expect(visitor.get_by_text(re.compile("Harrow Road"))).to_be_visible()
