"""Admin banners are sentences chosen by the site: every `?done=` key the code sends has one,
and nothing else typed into the address ever reaches the page."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.editorial import workflow
from app.editorial.letters import TRIAGE
from app.editorial.pages import notice
from tests.editing import log_in
from tests.helpers import soup

APP = Path(__file__).resolve().parent.parent / "app"
# Keys built from counts, as the queue's batch actions and the newsletter send them.
COUNTED = ["decline-2-0", "decline-1-3", "spam-0-1", "spam-12-0", "sent-0", "sent-1", "sent-40"]


def keys_the_code_sends() -> set[tuple[str, str]]:
    """(module, key) for every literal `?done=` key in the code, the keys it assigns to a
    `done` value, the letter page's triage buttons and the editor's buttons (a saved column
    reports the button pressed)."""
    keys = {("app.editorial.routes_letters", action) for action in TRIAGE}
    keys |= {("app.editorial.editor", action) for action in workflow.ACTIONS}
    for path in APP.rglob("*.py"):
        module = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        for line in path.read_text(encoding="utf-8").splitlines():
            found = set(re.findall(r"[?&]done=([a-z_-]+)", line))
            if re.search(r"\bdone\s*=\s*f?\"", line):  # done = "x" if ... else "y"
                found |= set(re.findall(r'"([a-z_-]+)"', line))
            keys |= {(module, key) for key in found}
    return keys


def sentence_for(module: str, key: str) -> str:
    """What the page says for the key: the admin's sentence, or the module's own (a page with
    sentences of its own keeps them in a `...NOTICES` table)."""
    own = vars(importlib.import_module(module))
    tables = [table for name, table in own.items() if name.endswith("NOTICES")]
    return next((table[key] for table in tables if key in table), "") or notice(key)


def test_the_scan_finds_the_keys_it_should() -> None:
    keys = {key for _, key in keys_the_code_sends()}
    assert {"added", "changed", "topic-merged", "nothing-selected", "note", "save_draft"} <= keys
    assert {"resource-created", "resource-saved", "topic-created", "topic-deleted"} <= keys
    assert {"restored", "restored_draft", "publish", "update", "nothing-new", "shortlist"} <= keys


@pytest.mark.parametrize(("module", "key"), sorted(keys_the_code_sends()))
def test_every_key_the_site_sends_is_a_sentence(module: str, key: str) -> None:
    sentence = sentence_for(module, key)
    assert sentence[:1].isupper() and sentence.endswith("."), (key, sentence)
    assert sentence.rstrip(".").lower() != key.replace("_", " "), (key, sentence)


@pytest.mark.parametrize("key", COUNTED)
def test_every_counted_key_is_a_sentence(key: str) -> None:
    sentence = notice(key)
    assert sentence[:1].isupper() and sentence.endswith("."), (key, sentence)


@pytest.mark.parametrize(
    ("key", "sentence"),
    [
        ("decline-2-0", "Declined 2 letters."),
        ("decline-2-1", "Declined 2 letters; 1 was left alone, as its state does not allow it."),
        (
            "spam-1-2",
            "Marked 1 letter as spam; 2 were left alone, as their state does not allow it.",
        ),
        (
            "spam-0-1",
            "No letter was marked as spam; 1 was left alone, as its state does not allow it.",
        ),
        ("sent-1", "The digest is on its way to 1 confirmed subscriber."),
        ("sent-1200", "The digest is on its way to 1,200 confirmed subscribers."),
    ],
)
def test_counted_keys_say_what_happened(key: str, sentence: str) -> None:
    assert notice(key) == sentence


@pytest.mark.parametrize(
    "key",
    [
        "<script>alert(1)</script>",
        "Your account is locked, call 555-0100",
        "decline-2",
        "decline-2-0-1",
        "sent-99999999",
        "decline-٣-0",
        "sent--1",
        "SAVE",
        "save ",
        "__class__",
        "",
    ],
)
def test_anything_else_shows_nothing(key: str) -> None:
    assert notice(key) == ""


@pytest.mark.parametrize("path", ["/admin/queue", "/admin/columns", "/admin/audit"])
def test_pages_show_the_sentence_and_never_the_address(newsroom: TestClient, path: str) -> None:
    log_in(newsroom, "editor")
    shown = soup(newsroom.get(f"{path}?done=decline-3-1").text).select(".flash")
    assert [f.get_text() for f in shown] == [notice("decline-3-1")]
    for text in ("<script>alert(1)</script>", "Call%20us%20now", "sent-1-1"):
        page = newsroom.get(f"{path}?done={text}")
        assert page.status_code == 200
        assert soup(page.text).select(".flash") == []
        assert "alert(1)" not in page.text and "Call us now" not in page.text
