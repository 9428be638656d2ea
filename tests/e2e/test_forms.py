"""The other paths a person takes through the forms: a mistake, a change of mind, a schedule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.people import Column, fill_column, flash, log_in, open_letter, send_letter

pytestmark = pytest.mark.e2e

LONG_LETTER = (
    "Dear Ethics Consult,\n\n"
    + "My client keeps arriving twenty minutes early and waiting in the corridor outside the "
    "room where I see other people. " * 12 + "\n\nShould I say something, and what?"
)


def test_a_mistake_in_the_form_keeps_the_letter(new_context: NewContext) -> None:
    page = new_context().new_page()
    page.goto("/ask")
    page.get_by_label("Your letter").fill(LONG_LETTER)
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send my letter").click()

    expect(page).to_have_title(re.compile("^Check your letter"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Everything you wrote is still here.")
    expect(page.get_by_label("Your letter")).to_have_value(LONG_LETTER)
    expect(page.get_by_label("Your email address")).to_have_value("not an address")
    pen_name = page.get_by_label("Sign it with a pen name")
    expect(pen_name).to_have_attribute("aria-invalid", "true")
    expect(pen_name).to_have_accessible_description(re.compile("Error: "))

    alert.get_by_role("link").first.click()
    expect(pen_name).to_be_focused()
    pen_name.fill("Early Bird")
    page.get_by_label("Your email address").fill("")
    page.get_by_label("You may publish an edited, anonymised version").check()
    page.get_by_role("button", name="Send my letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter: Received")
    expect(page.get_by_text("waiting in the corridor").first).to_be_visible()


def test_a_reader_withdraws_the_letter(new_context: NewContext) -> None:
    page = new_context().new_page()
    status_path = send_letter(page, signoff="Second Thoughts")

    page.get_by_role("button", name="Withdraw my letter").click()
    expect(page).to_have_url(re.compile(re.escape(status_path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter: Withdrawn")
    expect(page.get_by_text("The text of your letter has been erased.")).to_be_visible()
    expect(page.get_by_text("left a small painting")).to_have_count(0)
    expect(page.get_by_role("button", name="Withdraw my letter")).to_have_count(0)

    editor = new_context().new_page()
    log_in(editor, "editor")
    editor.get_by_role("link", name=re.compile("^Withdrawn")).click()
    expect(editor.get_by_text("—Second Thoughts")).to_be_visible()
    expect(editor.get_by_role("link", name=re.compile(r"\(text erased\)")).first).to_be_visible()


def test_a_columnist_submits_for_review_and_an_editor_schedules(new_context: NewContext) -> None:
    reader = new_context().new_page()
    letter = (
        "Dear Ethics Consult,\n\nA client asked me to write a reference for her new job. "
        "I know her well, but only as her counsellor. Is it ever right to say yes?"
    )
    status_path = send_letter(reader, letter, "Asked for a Reference")
    column = Column(
        title="Can I write my client a reference?",
        summary="A counsellor is asked for a job reference by a client.",
        topics="Dual relationships",
        letter=letter,
    )

    columnist = new_context().new_page()
    log_in(columnist, "columnist")
    open_letter(columnist, "write a reference for her new job")
    expect(columnist.get_by_role("button", name="Publish now")).to_have_count(0)
    fill_column(columnist, column)
    columnist.get_by_role("button", name="Submit for review").click()
    expect(flash(columnist)).to_have_text("Submitted for review.")
    expect(columnist.get_by_text("in review", exact=True).first).to_be_visible()

    editor = new_context().new_page()
    log_in(editor, "editor")
    open_letter(editor, "write a reference for her new job")
    expect(editor.get_by_label("Title", exact=True)).to_have_value(column.title)
    when = (datetime.now(UTC) + timedelta(days=3)).replace(hour=7, minute=30)
    editor.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    editor.get_by_label("Identifying details reviewed").check()
    editor.get_by_text("More actions").click()
    editor.get_by_role("button", name=re.compile("^Schedule")).click()
    expect(flash(editor)).to_have_text("Scheduled.")
    expect(editor.get_by_text("scheduled", exact=True).first).to_be_visible()
    expect(editor.get_by_label("Publish at")).to_have_value(when.strftime("%Y-%m-%dT%H:%M"))

    visitor = new_context().new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    expect(visitor.get_by_role("link", name=column.title)).to_have_count(0)
    reader.goto(status_path)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Your letter: Being answered")
