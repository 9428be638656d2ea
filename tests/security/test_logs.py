"""Logs keep nothing private and cannot be forged with line breaks."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from app.logs import SafeFormatter
from app.mail import deliver_due
from app.publishing import service
from tests.asking import send_letter
from tests.editing import PASSWORD, log_in, newest_question, post_answer

ADDRESS = "very.private.reader@example.org"
LETTER = (
    "Dear Ethics Consult,\n\nMy client confided something unrepeatable about the "
    "lighthouse keeper and the orchard. I need to know what to keep and what to share."
)


def test_a_whole_journey_leaves_nothing_private_in_the_logs(
    newsroom: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    status = send_letter(newsroom, question=LETTER, email=ADDRESS).headers["location"]
    token = status.rsplit("/", 1)[1]
    newsroom.get(status)
    log_in(newsroom, "editor", password="a-wrong-password-on-purpose")
    log_in(newsroom, "editor")
    cookie = newsroom.cookies.get("consult_session")
    qid = newest_question(newsroom).id
    post_answer(
        newsroom,
        qid,
        "publish",
        title="Keeper",
        summary="S",
        topics="Records",
        byline="B",
        answer="Keep what you must.",
        anonymisation_reviewed="1",
    )
    newsroom.app.state.services.settings.smtp_url = (
        "smtp://127.0.0.1:9"  # refused: a logged failure
    )
    send_letter(newsroom, question=LETTER + " Again.", email=ADDRESS)
    deliver_due(newsroom.app.state.services.engine, newsroom.app.state.services.settings)

    def explode(**_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_published", explode)
    assert newsroom.get("/").status_code == 500
    newsroom.get(f"/ask/status/{token}x")
    # Everything the site logged (the test's own HTTP client logs its requests: not ours).
    formatter = logging.Formatter("%(name)s %(message)s")
    text = "\n".join(formatter.format(r) for r in caplog.records if not r.name.startswith("httpx"))
    assert "not delivered" in text and "unhandled error" in text  # the logs did record things
    for secret in (
        ADDRESS,
        "lighthouse keeper",
        PASSWORD,
        "a-wrong-password-on-purpose",
        token,
        cookie,
        "editor@example.org",
    ):
        assert secret and secret not in text, secret


def test_line_breaks_in_logged_values_are_escaped() -> None:
    record = logging.LogRecord(
        "consult", logging.WARNING, __file__, 1, "route %s", ("/x\r\nFAKE 200 OK\x1b[31m",), None
    )
    line = SafeFormatter("%(message)s").format(record)
    assert "\n" not in line and "\r" not in line
    assert line == "route /x\\r\\nFAKE 200 OK\\x1b[31m"
