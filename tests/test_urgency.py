"""Letters that suggest danger are flagged, and their writers see crisis resources at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Question
from app.submissions.urgency import urgent_categories
from tests.asking import LETTER, send_letter
from tests.helpers import soup

HITS = [
    ("My client told me she has been thinking about suicide every night.", "self-harm"),
    ("He said he wants to kill himself before the anniversary.", "self-harm"),
    ("She has started to self-harm again.", "self-harm"),
    ("She told me she doesn't want to wake up anymore.", "self-harm"),
    ("He stockpiled pills and talked about an overdose.", "self-harm"),
    ("He said he is going to kill his former business partner.", "threat"),
    ("My client keeps a gun in his truck and is furious with his boss.", "threat"),
    ("The client threatened me in the car park.", "threat"),
    ("I am wondering whether I have a duty to warn.", "threat"),
    ("I believe her stepfather abuses his stepdaughter.", "child-abuse"),
    ("The mother admitted she beats her son when he wets the bed.", "child-abuse"),
    ("A disclosure about child sexual abuse by a coach.", "child-abuse"),
]
NEAR_MISSES = [
    "This deadline is killing me, and the paperwork is killing me too.",
    "We killed time in the waiting room while the fire alarm rang.",
    "I attended a suicide prevention training last spring and it was excellent.",
    "My supervisor was accused of an abuse of power by a colleague.",
    "He said he would shoot me an email about rescheduling.",
    "She hit the target on her savings plan and wanted to celebrate.",
    "He renewed his hunting licence and talked about the trip.",
    "My client's son plays the drums very loudly.",
]


@pytest.mark.parametrize(("sentence", "category"), HITS)
def test_danger_words_are_flagged(sentence: str, category: str) -> None:
    assert category in urgent_categories(sentence)


@pytest.mark.parametrize("sentence", NEAR_MISSES)
def test_figures_of_speech_are_not(sentence: str) -> None:
    assert urgent_categories(sentence) == []


def test_an_urgent_letter_is_flagged_and_shows_crisis_resources_at_once(
    asking: TestClient,
) -> None:
    letter = LETTER + "\n\nLast week she told me she wants to end her life."
    location = send_letter(asking, question=letter).headers["location"]
    with Session(asking.app.state.services.engine) as session:
        [question] = session.exec(select(Question)).all()
    assert question.urgent and "self-harm" in question.urgent_categories
    crisis = soup(asking.get(location).text).select_one(".crisis")
    assert crisis is not None and "988" in crisis.get_text()


def test_an_ordinary_letter_shows_no_crisis_box(asking: TestClient) -> None:
    location = send_letter(asking).headers["location"]
    assert soup(asking.get(location).text).select_one(".crisis") is None
