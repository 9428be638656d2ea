"""The editors' inbox: listing, counts, filters, search, keyset paging and bulk triage."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from app.db import session_scope
from app.editorial import queue
from app.editorial.articles import ensure_topic
from app.editorial.queue import QueueFilter, QueuePage, queue_counts
from app.models import Question, Staff
from tests.asking import LETTER, send_letter
from tests.editing import STAFF, csrf_of, log_in, log_out
from tests.helpers import soup

URGENT = LETTER + " Last night she told me she wants to end her life."
HOSTILE = ['"', "*", "NEAR(", "'", 'coffee" OR "x', "a AND (b", "%_\\"]


def _send(client: TestClient, text: str = LETTER, **fields: str) -> int:
    response = send_letter(client, question=text, **fields)
    assert response.status_code == 303, response.text
    with Session(client.app.state.services.engine) as session:
        return max(session.exec(select(Question.id)).all())  # type: ignore[type-var]


def _queue(client: TestClient, query: str = "") -> BeautifulSoup:
    response = client.get(f"/admin/queue{query}")
    assert response.status_code == 200
    return soup(response.text)


def _ids(doc: BeautifulSoup) -> list[int]:
    """The letters listed, top to bottom, from their links."""
    links = [a["href"] for a in doc.select("table.queue a.queue__link")]
    assert all(link.startswith("/admin/questions/") for link in links)
    return [int(link.rsplit("/", 1)[1]) for link in links]


def _counts(doc: BeautifulSoup) -> dict[str, int]:
    """The number on each state tab, by state."""
    return {
        a["href"].split("state=")[1]: int(a.select_one(".count").get_text())
        for a in doc.select("nav.state-tabs a")
    }


def _received(client: TestClient, question_id: int, when: datetime) -> None:
    with session_scope(client.app.state.services.engine) as session:
        question = session.get(Question, question_id)
        assert question is not None
        question.received_at = when
        session.add(question)


def _triage(client: TestClient, question_id: int, action: str) -> None:
    token = csrf_of(client, f"/admin/questions/{question_id}")
    response = client.post(
        f"/admin/questions/{question_id}/triage", data={"action": action, "csrf_token": token}
    )
    assert response.status_code == 303


def test_a_sent_letter_is_listed_with_counts_and_waiting_time(newsroom: TestClient) -> None:
    qid = _send(newsroom)
    _received(newsroom, qid, datetime.now(UTC) - timedelta(days=3))
    log_in(newsroom, "editor")
    doc = _queue(newsroom)
    assert _ids(doc) == [qid]
    assert doc.select_one(f'a[href="/admin/questions/{qid}"]').get_text().startswith("Dear")
    counts = _counts(doc)
    assert (counts["open"], counts["new"], counts["declined"], counts["all"]) == (1, 1, 0, 1)
    row = doc.select_one("table.queue tbody tr")
    assert "waiting 3 days" in row.get_text()


def test_one_day_is_singular_in_the_queue(newsroom: TestClient) -> None:
    qid = _send(newsroom)
    _received(newsroom, qid, datetime.now(UTC) - timedelta(days=1))
    log_in(newsroom, "editor")
    assert "waiting 1 day" in _queue(newsroom).select_one("table.queue tbody tr").get_text()
    assert "waiting 1 days" not in _queue(newsroom).get_text()


def test_one_day_is_singular_on_the_letter_page(newsroom: TestClient) -> None:
    qid = _send(newsroom)
    _received(newsroom, qid, datetime.now(UTC) - timedelta(days=1))
    log_in(newsroom, "editor")
    header = soup(newsroom.get(f"/admin/questions/{qid}").text).select_one(".letter-head")
    assert "waiting 1 day ·" in " ".join(header.get_text().split())


def test_oldest_first_with_urgent_letters_pinned_on_top(newsroom: TestClient) -> None:
    newer = _send(newsroom)
    older = _send(newsroom, LETTER + " It has happened three times now.")
    urgent = _send(newsroom, URGENT)
    _received(newsroom, older, datetime.now(UTC) - timedelta(days=2))
    log_in(newsroom, "editor")
    doc = _queue(newsroom)
    assert _ids(doc) == [urgent, older, newer]
    first = doc.select_one("table.queue tbody tr")
    assert "queue__urgent" in first["class"]
    assert first.select_one(".urgent-badge").get_text() == "Urgent"


def test_state_tabs_filter_and_count_the_letters(newsroom: TestClient) -> None:
    kept, declined, spam = (_send(newsroom, f"{LETTER} Version {n}.") for n in range(3))
    log_in(newsroom, "editor")
    _triage(newsroom, declined, "decline")
    _triage(newsroom, spam, "spam")
    doc = _queue(newsroom)
    assert _ids(doc) == [kept]
    counts = _counts(doc)
    assert (counts["new"], counts["declined"], counts["spam"], counts["all"]) == (1, 1, 1, 3)
    assert _ids(_queue(newsroom, "?state=declined")) == [declined]
    assert _ids(_queue(newsroom, "?state=spam")) == [spam]
    assert _ids(_queue(newsroom, "?state=all")) == [kept, declined, spam]
    current = _queue(newsroom, "?state=declined").select('nav.state-tabs a[aria-current="page"]')
    assert [a["href"] for a in current] == ["/admin/queue?state=declined"]


def test_topic_hint_filter(newsroom: TestClient) -> None:
    with session_scope(newsroom.app.state.services.engine) as session:
        ensure_topic(session=session, name="Safety")
        ensure_topic(session=session, name="Money")
    safety = _send(newsroom, topic_hint="Safety")
    money = _send(newsroom, LETTER + " Also about fees.", topic_hint="Money")
    _send(newsroom, LETTER + " No hint at all.")
    log_in(newsroom, "editor")
    assert _ids(_queue(newsroom, "?topic=Safety")) == [safety]
    assert _ids(_queue(newsroom, "?topic=Money")) == [money]
    options = _queue(newsroom).select("select#topic option")
    assert [o.get_text() for o in options] == ["Any", "Money", "Safety"]


def test_urgent_only_filter(newsroom: TestClient) -> None:
    _send(newsroom)
    urgent = _send(newsroom, URGENT)
    log_in(newsroom, "editor")
    assert len(_ids(_queue(newsroom))) == 2
    assert _ids(_queue(newsroom, "?urgent=true")) == [urgent]


def test_assigned_to_me_filter(newsroom: TestClient) -> None:
    mine = _send(newsroom)
    _send(newsroom, LETTER + " A second, unassigned one.")
    log_in(newsroom, "editor")
    with Session(newsroom.app.state.services.engine) as session:
        me = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
    token = csrf_of(newsroom, f"/admin/questions/{mine}")
    response = newsroom.post(
        f"/admin/questions/{mine}/assign", data={"assignee": str(me.id), "csrf_token": token}
    )
    assert response.status_code == 303
    doc = _queue(newsroom, "?mine=true")
    assert _ids(doc) == [mine]
    assert "Test Editor" in doc.select_one("table.queue tbody tr").get_text()
    log_out(newsroom)
    log_in(newsroom, "admin")
    assert _ids(_queue(newsroom, "?mine=true")) == []


def test_full_text_search_finds_the_one_letter_with_the_word(newsroom: TestClient) -> None:
    _send(newsroom)
    wanted = _send(newsroom, LETTER + " She plays the saxophone in our waiting room.")
    log_in(newsroom, "editor")
    assert _ids(_queue(newsroom, "?q=saxophone")) == [wanted]
    assert _ids(_queue(newsroom, "?q=xylophone")) == []
    assert "No letters match." in _queue(newsroom, "?q=xylophone").get_text()


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_text_is_harmless(newsroom: TestClient, query: str) -> None:
    _send(newsroom)
    log_in(newsroom, "editor")
    response = newsroom.get("/admin/queue", params={"q": query})
    assert response.status_code == 200
    assert soup(response.text).select_one("input#q")["value"] == query


def _many_letters(client: TestClient, count: int = 120) -> list[int]:
    """Insert open letters directly, spread over the three open states (half urgent, so that
    a page ends among the urgent ones; two runs of equal times across page ends), and a few
    declined ones that the queue must leave out."""
    base = datetime.now(UTC) - timedelta(days=40)
    rows = [
        {"urgent": i % 2 == 0, "at": base + timedelta(minutes=i, microseconds=i * 37 % 1000)}
        for i in range(count)
    ]
    rows.sort(key=lambda r: (not r["urgent"], r["at"]))
    for tied in (range(46, 54), range(97, 104)):
        for i in tied:
            rows[i]["at"] = rows[tied[0]]["at"]
    random.Random(7).shuffle(rows)
    with session_scope(client.app.state.services.engine) as session:
        for n, row in enumerate(rows):
            session.add(
                Question(
                    letter=f"{LETTER} Letter number {n}.",
                    signoff="Many",
                    urgent=bool(row["urgent"]),
                    token_hash=f"token-{n:04d}",
                    submission_key=f"key-{n:04d}",
                    received_at=row["at"],
                    status=("new", "shortlisted", "answering", "declined")[n % 4]
                    if n < 40
                    else ("new", "shortlisted", "answering")[n % 3],
                )
            )
    with Session(client.app.state.services.engine) as session:
        found = session.exec(select(Question).where(Question.status != "declined")).all()
    return [q.id for q in sorted(found, key=lambda q: (not q.urgent, q.received_at, q.id))]  # type: ignore[misc]


def test_keyset_pages_show_every_letter_once_in_order(newsroom: TestClient) -> None:
    expected = _many_letters(newsroom)
    log_in(newsroom, "editor")
    pages: list[list[int]] = []
    path: str | None = "/admin/queue"
    while path is not None and len(pages) < 10:
        doc = _queue(newsroom, path.removeprefix("/admin/queue"))
        pages.append(_ids(doc))
        link = doc.select_one('a[rel="next"]')
        path = link["href"] if link else None
        assert link is None or link.get_text().startswith("Next letters")
    assert [len(page) for page in pages] == [50, 50, 10]
    assert [i for page in pages for i in page] == expected


def _statuses(client: TestClient, ids: list[int]) -> list[str]:
    with Session(client.app.state.services.engine) as session:
        return [session.get(Question, i).status for i in ids]  # type: ignore[union-attr]


def _bulk(client: TestClient, ids: list[int], action: str) -> tuple[int, str]:
    token = csrf_of(client, "/admin/queue")
    data = {"ids": [str(i) for i in ids], "action": action, "csrf_token": token}
    response = client.post("/admin/queue/bulk", data=data)
    return response.status_code, response.headers.get("location", "")


def test_bulk_decline_and_spam(newsroom: TestClient) -> None:
    first, second, third = (_send(newsroom, f"{LETTER} Number {n}.") for n in range(3))
    log_in(newsroom, "editor")
    picks = _queue(newsroom).select('table.queue input[type="checkbox"][name="ids"]')
    assert sorted(int(p["value"]) for p in picks) == [first, second, third]
    assert _bulk(newsroom, [first, second], "decline") == (303, "/admin/queue?done=decline-2-0")
    assert _statuses(newsroom, [first, second, third]) == ["declined", "declined", "new"]
    assert _bulk(newsroom, [second, third], "spam") == (303, "/admin/queue?done=spam-1-1")
    assert _statuses(newsroom, [first, second, third]) == ["declined", "declined", "spam"]
    assert _ids(_queue(newsroom)) == []
    assert _counts(_queue(newsroom))["spam"] == 1


def test_a_columnist_cannot_bulk_triage(newsroom: TestClient) -> None:
    ids = [_send(newsroom), _send(newsroom, LETTER + " Another.")]
    log_in(newsroom, "columnist")
    assert _queue(newsroom).select('input[name="ids"]') == []
    for action in ("decline", "spam"):
        assert _bulk(newsroom, ids, action)[0] == 403
    assert _statuses(newsroom, ids) == ["new", "new"]


def test_next_link_keeps_a_topic_with_an_ampersand(newsroom: TestClient) -> None:
    with session_scope(newsroom.app.state.services.engine) as session:
        ensure_topic(session=session, name="Fees & Money")
        base = datetime.now(UTC) - timedelta(days=5)
        for n in range(51):
            session.add(
                Question(
                    letter=f"{LETTER} About fees, number {n}.",
                    topic_hint="Fees & Money",
                    token_hash=f"fees-{n}",
                    submission_key=f"fees-{n}",
                    received_at=base + timedelta(minutes=n),
                )
            )
    log_in(newsroom, "editor")
    first = _queue(newsroom, "?topic=Fees+%26+Money")
    assert len(_ids(first)) == 50
    second = newsroom.get(first.select_one('a[rel="next"]')["href"])
    assert len(_ids(soup(second.text))) == 1


def test_the_counts_follow_every_insert_change_of_state_and_delete(newsroom: TestClient) -> None:
    """`question_count` is kept by triggers: whatever writes the letters, the tabs stay true."""
    engine = newsroom.app.state.services.engine
    ids = [_send(newsroom, f"{LETTER} Count {n}.") for n in range(4)]
    with session_scope(engine) as session:
        for question_id, state in zip(ids, ("declined", "spam", "spam"), strict=False):
            letter = session.get(Question, question_id)
            assert letter is not None
            letter.status = state
            session.add(letter)
    with session_scope(engine) as session:
        session.delete(session.get(Question, ids[1]))
    with Session(engine) as session:
        actual = dict(
            session.exec(select(Question.status, func.count()).group_by(col(Question.status))).all()
        )
        kept = queue_counts(session).by_state
    assert actual == {"new": 1, "declined": 1, "spam": 1}
    assert {s: kept[s] for s in actual} == actual
    assert kept["all"] == 3 and kept["open"] == 1 and kept["withdrawn"] == 0
    log_in(newsroom, "editor")
    counts = _counts(_queue(newsroom))
    assert (counts["new"], counts["spam"], counts["all"]) == (1, 1, 3)


def _row_of(doc: BeautifulSoup, question_id: int) -> str:
    link = doc.select_one(f'a.queue__link[href="/admin/questions/{question_id}"]')
    return " ".join(link.find_parent("tr").get_text().split())


def test_the_queue_shows_at_once_what_another_process_wrote(newsroom: TestClient) -> None:
    """Each worker keeps the page it rendered, yet whatever changes a letter, through any
    worker or straight in the database, shows on the next view of the queue."""
    engine = newsroom.app.state.services.engine
    first = _send(newsroom, f"{LETTER} About the first client.")
    log_in(newsroom, "editor")
    assert _ids(_queue(newsroom)) == [first]
    assert _ids(_queue(newsroom)) == [first]
    second = _send(newsroom, f"{LETTER} About the second client.")
    assert _ids(_queue(newsroom)) == [first, second]

    with session_scope(engine) as session:
        editor = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
        letter = session.get(Question, second)
        assert letter is not None
        letter.assigned_to, letter.urgent = editor.id, True
        session.add(letter)
    doc = _queue(newsroom)
    assert _ids(doc) == [second, first]
    assert "Test Editor" in _row_of(doc, second)

    with session_scope(engine) as session:
        editor = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
        editor.name = "Renamed Editor"
        session.add(editor)
    assert "Renamed Editor" in _row_of(_queue(newsroom), second)

    with session_scope(engine) as session:
        session.execute(update(Question).where(col(Question.id) == first).values(letter=None))
    assert "(text erased)" in _row_of(_queue(newsroom), first)

    with session_scope(engine) as session:
        session.execute(delete(Question).where(col(Question.id) == second))
    assert _ids(_queue(newsroom)) == [first]


def test_each_role_and_day_gets_its_own_page(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    qid = _send(newsroom)
    log_in(newsroom, "editor")
    assert _queue(newsroom).select(f"input#pick-{qid}")
    log_out(newsroom)
    log_in(newsroom, "columnist")
    doc = _queue(newsroom)
    assert _ids(doc) == [qid] and not doc.select("input[name=ids]")
    assert "waiting 0 days" in _row_of(doc, qid)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    monkeypatch.setattr(queue, "utcnow", lambda: tomorrow)
    assert "waiting 1 day" in _row_of(_queue(newsroom), qid)


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[QueueFilter]:
    reads: list[QueueFilter] = []
    real = queue.list_queue

    def counted(**kwargs: Any) -> QueuePage:
        reads.append(kwargs["where"])
        return real(**kwargs)

    monkeypatch.setattr(queue, "list_queue", counted)
    return reads


def test_a_view_seen_before_is_not_read_again(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _counting_reads(monkeypatch)
    qid = _send(newsroom)
    log_in(newsroom, "editor")
    for _ in range(3):
        assert _ids(_queue(newsroom)) == [qid]
    assert _ids(_queue(newsroom, "?state=new")) == [qid]
    assert [where.state for where in reads] == ["open", "new"]
    _triage(newsroom, qid, "shortlist")
    assert _ids(_queue(newsroom)) == [qid]
    assert len(reads) == 3


def test_every_write_to_a_letter_moves_the_queue_version(newsroom: TestClient) -> None:
    engine = newsroom.app.state.services.engine
    qid = _send(newsroom)

    def version() -> int:
        with Session(engine) as session:
            return queue_counts(session).version

    seen = [version()]
    with session_scope(engine) as session:
        session.execute(update(Question).where(col(Question.id) == qid).values(signoff="Tired"))
    seen.append(version())
    with session_scope(engine) as session:
        session.execute(update(Question).where(col(Question.id) == qid).values(status="spam"))
    seen.append(version())
    with session_scope(engine) as session:
        session.execute(delete(Question).where(col(Question.id) == qid))
    seen.append(version())
    assert seen == sorted(set(seen)), seen


def _bulk_token(doc: BeautifulSoup) -> str:
    return str(doc.select_one('form[action="/admin/queue/bulk"] input[name=csrf_token]')["value"])


def test_a_kept_page_carries_each_browsers_own_form_token(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same editor in two browsers: the second is served the page kept for the first, with
    its own CSRF token in every form, and its bulk action goes through."""
    reads = _counting_reads(monkeypatch)
    qid = _send(newsroom)
    log_in(newsroom, "editor")
    first = _queue(newsroom)
    with TestClient(newsroom.app, follow_redirects=False) as other:
        log_in(other, "editor")
        second = _queue(other)
        assert len(reads) == 1 and _ids(second) == [qid]
        tokens = [_bulk_token(first), _bulk_token(second)]
        assert tokens[0] != tokens[1]
        assert (
            second.select_one('form[action="/admin/logout"] input[name=csrf_token]')["value"]
            == tokens[1]
        )
        done = other.post(
            "/admin/queue/bulk", data={"csrf_token": tokens[1], "action": "decline", "ids": qid}
        )
        assert done.status_code == 303
    with Session(newsroom.app.state.services.engine) as session:
        assert session.get(Question, qid).status == "declined"  # type: ignore[union-attr]


def test_a_kept_page_shows_new_topics_and_no_old_message(newsroom: TestClient) -> None:
    _send(newsroom)
    log_in(newsroom, "editor")
    _queue(newsroom)
    with session_scope(newsroom.app.state.services.engine) as session:
        ensure_topic(session=session, name="Boundaries at the door")
    options = [o.get_text() for o in _queue(newsroom).select("select#topic option")]
    assert "Boundaries at the door" in options
    flash = _queue(newsroom, "?done=nothing-selected").select_one(".flash")
    assert flash is not None and "Select at least one letter" in flash.get_text()
    assert not _queue(newsroom).select(".flash")


def test_a_kept_queue_page_needs_no_worker_thread_on_sqlite(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the session check and the counts are read on the event loop, so a worker whose
    threads are all taken (by writes waiting for the lock, say) still shows the queue."""
    if newsroom.app.state.services.engine.dialect.name != "sqlite":
        pytest.skip("over a network these reads are made in a worker thread")
    qid = _send(newsroom)
    log_in(newsroom, "editor")
    assert _ids(_queue(newsroom)) == [qid]

    def no_thread(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a worker thread was asked for")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)
    assert _ids(_queue(newsroom)) == [qid]


@pytest.mark.parametrize("odd", ["²", "2147483648", "99999999999999999999"])
def test_an_odd_id_in_a_bulk_action_is_left_out_never_a_500(newsroom: TestClient, odd: str) -> None:
    first = _send(newsroom)
    log_in(newsroom, "editor")
    token = csrf_of(newsroom, "/admin/queue")
    answer = newsroom.post(
        "/admin/queue/bulk", data={"ids": [str(first), odd], "action": "spam", "csrf_token": token}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/admin/queue?done=spam-1-0")
    assert _statuses(newsroom, [first]) == ["spam"]
