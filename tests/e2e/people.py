"""What the people in the journeys do, found by label and role the way they would find it."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.site import PASSWORD, STAFF

LETTER = (
    "Dear Ethics Consult,\n\n"
    "Maria, a client I have seen weekly at St Anne's Hospital, left a small painting on my "
    "chair after our last session. She is 34 and has just finished a long course of treatment "
    "for grief. It is clearly precious to her.\n\n"
    "Do I keep the painting, hand it back, or find some way in between?"
)
EDITED_LETTER = (
    "Dear Ethics Consult,\n\n"
    "A client I have seen weekly left a small painting on my chair after our last session. "
    "She has just finished a long course of treatment for grief. It is clearly precious to "
    "her.\n\n"
    "Do I keep the painting, hand it back, or find some way in between?"
)
ANSWER = (
    "A gift at the end of therapy is often a way of saying **thank you** for something that "
    "is hard to put into words.\n\n"
    "- Receive it warmly, and talk about what it means.\n"
    "- Check what your code and your service say about gifts.\n\n"
    "Handing it back unexamined can feel like a rejection of the work you did together."
)


@dataclass(frozen=True)
class Column:
    """What an editor puts on the article form."""

    title: str
    summary: str
    topics: str
    answer: str = ANSWER
    letter: str = EDITED_LETTER


def write_letter(
    page: Page, letter: str, signoff: str, *, email: str = "", topic: str = "", consent: bool = True
) -> None:
    """Fill in the /ask form (already open) without sending it."""
    page.get_by_label("Your letter").fill(letter)
    page.get_by_label("Sign it with a pen name").fill(signoff)
    if email:
        page.get_by_label("Your email address").fill(email)
    if topic:
        page.get_by_label("What is it mostly about?").select_option(label=topic)
    if consent:
        page.get_by_label("You may publish an edited, anonymised version").check()


def send_letter(
    page: Page, letter: str = LETTER, signoff: str = "Gift Giver", **fields: str
) -> str:
    """Open the form, write a letter, press Send; the private status page's path."""
    page.goto("/ask")
    write_letter(page, letter, signoff, **fields)  # type: ignore[arg-type]
    page.get_by_role("button", name="Send my letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter: Received")
    return urlsplit(page.url).path


def log_in(page: Page, role: str) -> None:
    """Sign in on /admin/login as the account with this role; ends on the queue."""
    page.goto("/admin/login")
    page.get_by_label("Email address").fill(STAFF[role][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Letters", level=1)).to_be_visible()


def open_letter(page: Page, words: str) -> None:
    """From the queue, open the letter that contains these words."""
    page.get_by_role("link", name=re.compile(re.escape(words))).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Letter #\d+"))).to_be_visible()


def fill_column(page: Page, column: Column) -> None:
    """Type the column into the article form on a letter's page."""
    page.get_by_label("Title", exact=True).fill(column.title)
    page.get_by_label("Summary").fill(column.summary)
    page.get_by_label("Letter (edited and anonymised)").fill(column.letter)
    page.get_by_label("Answer (Markdown)").fill(column.answer)
    choose_topics(page, [t.strip() for t in column.topics.split(",") if t.strip()])


def choose_topics(page: Page, names: list[str], *, create: bool = False) -> None:
    """Pick topics in the type-ahead the way an editor would: type a few letters, choose the
    suggestion (or, with `create`, the "Create topic" one for a topic that is new)."""
    picker = page.get_by_role("combobox", name="Topics")
    for name in names:
        chosen = page.locator(f'input[type=checkbox][name=topics][value="{name}"]')
        if chosen.count() and chosen.is_checked():
            continue  # already one of the column's topics (the reader's hint, say)
        picker.fill(name)
        if create:
            page.get_by_role("option", name=f"Create topic “{name}”").click()
            expect(page.get_by_role("list", name="Chosen for this column")).to_contain_text(name)
        else:
            page.get_by_role("option", name=name, exact=True).click()


def flash(page: Page) -> Locator:
    """The one-line confirmation an admin page shows after a button press."""
    return page.get_by_role("status").and_(page.locator(".flash"))


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    what: `${el.tagName.toLowerCase()} "${(el.labels?.[0]?.textContent || el.textContent || el.name
      || "").trim().replace(/\\s+/g, " ").slice(0, 50)}"`,
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
      || style.boxShadow !== "none",
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
      && box.right > 0 && box.left < innerWidth,
  };
}"""


def tab_to(page: Page, target: Locator, limit: int = 120) -> list[str]:
    """Press Tab until the target has focus, checking every stop on the way has a visible
    focus ring; the stops passed, in order."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        if not state["shown"]:  # the page may still be scrolling (smoothly) to the focus
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_function(f"() => ({FOCUS_STATE})().shown", timeout=2000)
            state = page.evaluate(FOCUS_STATE)
        assert state["shown"], f"focus went to {state['what']}, which is off screen or hidden"
        assert state["ring"], f"{state['what']} has focus but no visible focus ring"
        stops.append(state["what"])
        if target.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"Tab never reached {target}; it went through {stops}")
