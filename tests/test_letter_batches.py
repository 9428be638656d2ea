"""Letters that arrive together are committed together, and each still stands on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import DataError, OperationalError
from sqlmodel import Session, col, select

from app.models import Question, RateEvent, utcnow
from app.ratelimit import RateLimited
from app.submissions import letter_writer, service
from app.submissions.letter_writer import LetterWriter, PendingLetter, Submitted
from app.submissions.validation import LetterInput
from tests.asking import LETTER


def _pending(
    client: TestClient, n: int, *, key: str | None = None, sender: str = ""
) -> PendingLetter:
    secret = client.app.state.services.secret_key
    key = key or service.new_submission_key()
    token = service.status_token(secret, key)
    letter = LetterInput(
        question=f"{LETTER} Letter number {n}.",
        signoff=f"Reader {n}",
        email=None,
        topic_hint=None,
        consent=True,
    )
    return PendingLetter(
        question=service.new_question(letter=letter, token=token, submission_key=key, now=utcnow()),
        token=token,
        email=None,
        client=sender or f"client-{n}",
    )


def _all_at_once(
    writer: LetterWriter, letters: list[PendingLetter]
) -> list[Submitted | BaseException]:
    """Queue every letter while a write is under way, then let them through together."""
    outcomes: list[Submitted | BaseException] = [OperationalError("unset", None, None)] * len(
        letters
    )

    def send(i: int) -> None:
        try:
            outcomes[i] = writer.write(letters[i])
        except Exception as error:
            outcomes[i] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(letters))]
    with writer._writing:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(writer._queued) < len(letters) and time.monotonic() < deadline:
            time.sleep(0.005)
    for thread in threads:
        thread.join(10)
    return outcomes


def _commits(client: TestClient) -> list[int]:
    seen: list[int] = []
    listener: Callable[[Any], None] = lambda _connection: seen.append(1)  # noqa: E731
    event.listen(client.app.state.services.engine, "commit", listener)
    return seen


def _stored(client: TestClient) -> list[str]:
    with Session(client.app.state.services.engine) as session:
        return list(session.exec(select(Question.signoff).order_by(col(Question.id))).all())


def test_letters_that_arrive_together_share_one_commit(asking: TestClient) -> None:
    writer = LetterWriter(asking.app.state.services.engine, asking.app.state.services.settings)
    commits = _commits(asking)
    outcomes = _all_at_once(writer, [_pending(asking, n) for n in range(8)])
    assert all(isinstance(o, Submitted) and not o.duplicate for o in outcomes), outcomes
    assert len({o.question_id for o in outcomes if isinstance(o, Submitted)}) == 8
    assert sorted(_stored(asking)) == sorted(f"Reader {n}" for n in range(8))
    assert len(commits) == 1


def test_a_letter_over_its_allowance_is_refused_alone(asking: TestClient) -> None:
    asking.app.state.services.settings.submissions_per_hour = 2
    writer = LetterWriter(asking.app.state.services.engine, asking.app.state.services.settings)
    letters = [_pending(asking, n, sender="one-reader") for n in range(3)]
    letters.append(_pending(asking, 3, sender="another-reader"))
    outcomes = _all_at_once(writer, letters)
    refused = [o for o in outcomes if isinstance(o, RateLimited)]
    assert len(refused) == 1
    assert sum(isinstance(o, Submitted) for o in outcomes) == 3
    assert len(_stored(asking)) == 3
    assert "Reader 3" in _stored(asking)
    with Session(asking.app.state.services.engine) as session:
        assert len(session.exec(select(RateEvent)).all()) == 3


def test_the_same_form_twice_in_one_batch_is_one_letter(asking: TestClient) -> None:
    writer = LetterWriter(asking.app.state.services.engine, asking.app.state.services.settings)
    first, second = _pending(asking, 1, key="same-key"), _pending(asking, 1, key="same-key")
    outcomes = _all_at_once(writer, [first, second, _pending(asking, 2)])
    assert len(_stored(asking)) == 2
    submitted = [o for o in outcomes[:2] if isinstance(o, Submitted)]
    assert len(submitted) == 2
    assert {o.token for o in submitted} == {first.token}
    assert sorted(o.duplicate for o in submitted) == [False, True]


def _failing_at_reader_2(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """From now on, writing the letter signed "Reader 2" fails with `error`, after its rows."""
    real = letter_writer.index_question

    def failing(session: Session, question: Question, **kwargs: Any) -> None:
        real(session, question, **kwargs)
        if question.signoff == "Reader 2":
            raise error

    monkeypatch.setattr(letter_writer, "index_question", failing)


def test_when_the_commit_fails_no_letter_is_acknowledged(
    asking: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = letter_writer.index_question
    _failing_at_reader_2(monkeypatch, OperationalError("INSERT", None, OSError("disk I/O")))
    writer = LetterWriter(asking.app.state.services.engine, asking.app.state.services.settings)
    outcomes = _all_at_once(writer, [_pending(asking, n) for n in range(4)])
    assert all(isinstance(o, OperationalError) for o in outcomes), outcomes
    assert _stored(asking) == []
    monkeypatch.setattr(letter_writer, "index_question", real)
    assert isinstance(writer.write(_pending(asking, 9)), Submitted)
    assert _stored(asking) == ["Reader 9"]


def test_a_letter_the_database_cannot_take_fails_alone(
    asking: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_at_reader_2(monkeypatch, DataError("INSERT", None, ValueError("value too long")))
    writer = LetterWriter(asking.app.state.services.engine, asking.app.state.services.settings)
    outcomes = _all_at_once(writer, [_pending(asking, n) for n in range(4)])
    assert isinstance(outcomes[2], DataError)
    assert sum(isinstance(o, Submitted) for o in outcomes) == 3
    assert sorted(_stored(asking)) == ["Reader 0", "Reader 1", "Reader 3"]
