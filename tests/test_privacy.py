"""A reader's email address never appears anywhere public, and expires when its job is done."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry._logs import set_logger_provider
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlmodel import Session, select

from app.editorial.workflow import move_question
from app.models import Question, QuestionContact, RateEvent, utcnow
from app.submissions.retention import run_retention
from tests.asking import send_letter

SECRET_ADDRESS = "private.person@example.org"


def test_the_email_is_nowhere_public(asking: TestClient) -> None:
    location = send_letter(asking, email=SECRET_ADDRESS).headers["location"]
    token = location.rsplit("/", 1)[1]
    pages = [
        "/",
        "/feed.xml",
        "/sitemap.xml",
        "/topics",
        "/search?q=coffee",
        location,
        f"/api/v1/questions/{token}",
        "/api/v1/columns",
        "/api/v1/topics",
        "/robots.txt",
    ]
    for path in pages:
        assert SECRET_ADDRESS not in asking.get(path).text, path
    with Session(asking.app.state.services.engine) as session:
        question = session.exec(select(Question)).one()
        contact = session.get(QuestionContact, question.id)
    assert contact is not None and contact.email == SECRET_ADDRESS
    assert SECRET_ADDRESS not in (question.letter or "")


def _letter(client: TestClient, email: str | None = None) -> int:
    send_letter(client, email=email or "")
    with Session(client.app.state.services.engine) as session:
        return max(q.id or 0 for q in session.exec(select(Question)).all())


def test_retention_erases_addresses_and_declined_letters_on_time(asking: TestClient) -> None:
    engine, settings = asking.app.state.services.engine, asking.app.state.services.settings
    told = _letter(asking, "told@example.org")
    waiting = _letter(asking, "waiting@example.org")
    declined = _letter(asking)
    now = utcnow()
    with Session(engine) as session:
        session.get(Question, told).outcome_notified_at = now
        move_question(
            session=session, question=session.get(Question, declined), to="declined", now=now
        )
        session.commit()
    with Session(engine) as session:
        report = run_retention(session=session, settings=settings, now=now)
        session.commit()
        assert report.emails_erased == 1 and report.letters_purged == 0
        assert session.get(QuestionContact, told) is None
        assert session.get(QuestionContact, waiting) is not None
    in_91_days = now + timedelta(days=91)
    with Session(engine) as session:
        run_retention(session=session, settings=settings, now=in_91_days)
        session.commit()
        assert session.get(QuestionContact, waiting) is None
        assert session.get(Question, declined).letter is not None  # kept until day 180
    with Session(engine) as session:
        report = run_retention(session=session, settings=settings, now=now + timedelta(days=181))
        session.commit()
        assert report.letters_purged == 1
        purged = session.get(Question, declined)
        assert purged.letter is None and purged.letter_purged_at is not None
        assert session.get(Question, waiting).letter is not None  # only declined letters go


def test_rate_limit_traces_are_forgotten_within_a_day(asking: TestClient) -> None:
    send_letter(asking)
    engine, settings = asking.app.state.services.engine, asking.app.state.services.settings
    with Session(engine) as session:
        assert len(session.exec(select(RateEvent)).all()) == 1
        run_retention(session=session, settings=settings, now=utcnow() + timedelta(hours=25))
        session.commit()
        assert session.exec(select(RateEvent)).all() == []


def test_retention_command_runs(asking: TestClient, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    settings = asking.app.state.services.settings
    monkeypatch.setenv("CONSULT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(settings.var_dir))
    assert main(["retention", "run"]) == 0
    assert "erased" in capsys.readouterr().out


@cache
def _collector() -> tuple[InMemorySpanExporter, InMemoryLogRecordExporter]:
    """An OpenTelemetry collector configured for the whole process, as an operator's
    environment might (a process can set its providers once, so it is shared)."""
    spans, logs = InMemorySpanExporter(), InMemoryLogRecordExporter()
    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(spans))
    trace.set_tracer_provider(tracing)
    logging = LoggerProvider()
    logging.add_log_record_processor(SimpleLogRecordProcessor(logs))
    set_logger_provider(logging)
    return spans, logs


def test_nothing_goes_to_a_telemetry_collector_even_when_one_is_configured(
    asking: TestClient,
) -> None:
    spans, logs = _collector()
    spans.clear()
    logs.clear()
    status_page = send_letter(asking, email=SECRET_ADDRESS).headers["location"]
    assert asking.get(status_page).status_code == 200
    refused = asking.post("/api/v1/questions", json={"question": 42, "signoff": SECRET_ADDRESS})
    assert refused.status_code == 422
    # A status link's token is in its path, and a refused letter's text in the logs' data.
    assert spans.get_finished_spans() == ()
    assert logs.get_finished_logs() == ()
