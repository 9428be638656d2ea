"""The anonymisation aid: which details it marks, which it leaves alone, and how it shows them."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.editorial.anonymise import find_identifying_details, highlight
from app.models import Question
from tests.asking import send_letter
from tests.editing import log_in
from tests.helpers import soup

SAMPLE = (
    "Dear Ethics Consult,\n\n"
    "Last week she rang me on 07700 900123 and wrote from sarah.jones@example.com. "
    "Her page is https://example.org/about. I told Sarah that Dr. Okafor and my colleague "
    "Jo Marsh would both be there. She is a 34-year-old nurse and her mother, aged 70, "
    "lives in Leeds. We met on 12 March 2025 and again on 03/04/2024 at St. Mary's clinic, "
    "near Northgate Primary School.\n\n"
    "I am not sure what to do. Should I tell anyone?"
)
EXPECTED = {
    ("phone", "07700 900123"),
    ("email", "sarah.jones@example.com"),
    ("url", "https://example.org/about"),
    ("name", "Sarah"),
    ("name", "Dr. Okafor"),
    ("name", "Jo Marsh"),
    ("age", "34-year-old"),
    ("age", "aged 70"),
    ("date", "12 March 2025"),
    ("date", "03/04/2024"),
    ("place", "Leeds"),
    ("workplace", "St. Mary's clinic"),
    ("workplace", "Northgate Primary School"),
}


def _marked(text: str) -> list[str]:
    return [f.text for f in find_identifying_details(text)]


def test_every_kind_of_identifying_detail_is_found() -> None:
    found = {(f.kind, f.text) for f in find_identifying_details(SAMPLE)}
    assert found == EXPECTED


def test_findings_are_in_order_point_at_their_text_and_do_not_overlap() -> None:
    findings = find_identifying_details(SAMPLE)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(SAMPLE[f.start : f.end] == f.text for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


@pytest.mark.parametrize(
    "word",
    ["Dear", "Ethics", "Consult", "Last", "She", "Her", "I", "Should", "We"],
)
def test_ordinary_words_are_not_marked(word: str) -> None:
    assert not any(word in text.split() for text in _marked(SAMPLE))


@pytest.mark.parametrize(
    "text",
    [
        "Dear Ethics Consult,\n\nMy client keeps asking to meet for coffee.",
        "Last week she cancelled again. Then I wondered whether to call.",
        "Dear Ethics Consult, I think I made a mistake and I want to put it right.",
        "The session was 50 minutes long.",
        '"Maybe later," she said.',
    ],
)
def test_near_misses_are_not_marked(text: str) -> None:
    assert _marked(text) == []


def test_a_known_first_name_is_marked_even_at_the_start_of_a_sentence() -> None:
    assert _marked("Dear Ethics Consult,\n\nSarah rang me again.") == ["Sarah"]


def test_highlight_wraps_each_finding_in_mark_and_keeps_paragraphs() -> None:
    html = highlight(SAMPLE, find_identifying_details(SAMPLE))
    doc = soup(html)
    marks = doc.find_all("mark")
    assert {(m["data-kind"], m.get_text()) for m in marks} == EXPECTED
    assert len(doc.find_all("p", recursive=False)) == 3
    assert doc.get_text() == SAMPLE.replace("\n\n", "")


def test_highlight_escapes_html_in_the_letter() -> None:
    letter = "Dear Ethics Consult,\n\n<script>alert('x')</script> Sarah & <b>Tom</b> disagree."
    html = highlight(letter, find_identifying_details(letter))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    doc = soup(html)
    assert doc.find("script") is None
    assert [m.get_text() for m in doc.find_all("mark")] == ["Sarah", "Tom"]


def test_a_mark_never_spans_two_paragraphs() -> None:
    letter = "Dear Ethics Consult,\n\nIt began in 2019.\n\n18 months later she came back."
    findings = find_identifying_details(letter)
    assert all("\n" not in f.text for f in findings)
    paragraphs = soup(highlight(letter, findings)).find_all("p", recursive=False)
    assert [p.get_text() for p in paragraphs][1:] == [
        "It began in 2019.",
        "18 months later she came back.",
    ]


LETTER_WITH_DETAILS = (
    "My client Sarah rang me on 07700 900123 late at night and then wrote to me from "
    "sarah@example.com the next morning. How do I keep the frame without being cold?"
)


def test_the_letter_page_marks_details_beside_the_unmarked_original(newsroom: TestClient) -> None:
    assert send_letter(newsroom, question=LETTER_WITH_DETAILS).status_code == 303
    with Session(newsroom.app.state.engine) as session:
        qid = session.exec(select(Question.id)).one()
    log_in(newsroom, "editor")
    doc = soup(newsroom.get(f"/admin/questions/{qid}").text)
    panel = doc.select_one("section.anonymise")
    marks = panel.select(".marked mark")
    assert [m.get_text() for m in marks] == ["Sarah", "07700 900123", "sarah@example.com"]
    assert [m["data-kind"] for m in marks] == ["name", "phone", "email"]
    assert "3 possible identifying details" in panel.select_one("h2").get_text()
    original = doc.select_one("section.original .original__text")
    assert original.find("mark") is None
    assert original.get_text() == LETTER_WITH_DETAILS
