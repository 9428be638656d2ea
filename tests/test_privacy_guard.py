"""The privacy guard: nothing identifying reaches the public page without a review of that exact
text, on every path that makes text public, and a live column's draft stays off the site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import update
from sqlmodel import Session, select

from app.cli import main
from app.config import Settings
from app.db import session_scope
from app.editorial.articles import ArticleFields
from app.editorial.revisions import diff_revisions
from app.editorial.workflow import publish_due
from app.main import create_app
from app.models import Article, ArticleRevision, AuditEntry, Resource, utcnow
from tests.asking import send_letter
from tests.conftest import make_settings
from tests.editing import (
    answer_form,
    form_values,
    letter_sent,
    log_in,
    make_staff,
    only_article,
    post_answer,
)
from tests.helpers import soup, write_column
from tests.topic_setup import make_topics

LETTER = (
    "Dear Ethics Consult,\n\nA client asked me to write a letter for her landlord. I said "
    "I would think about it, and now I am not sure it is my place at all."
)
PLANTED = "Margaret Ellison, of 14 Harrow Road in Leeds,"
READY = {
    "title": "The letter for the landlord",
    "summary": "When a client asks for a letter that is not yours to write.",
    "topics": "Boundaries",
    "letter": LETTER,
    "answer": "Say what you can vouch for, and no more.",
    "byline": "Theo Marsh",
    "signoff": "Unsure",
}
REVIEWED = {"anonymisation_reviewed": "1"}


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A site with staff whose form takes letters at once."""
    settings = make_settings(database_url, tmp_path / "var", form_min_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        make_topics(client, "Boundaries")  # columns are tagged only with topics that exist
        yield client


def _letter(client: TestClient) -> int:
    return letter_sent(client, LETTER, "Unsure")


def _article(client: TestClient) -> Article:
    return only_article(client)


def _problems(response: Response) -> str:
    return soup(response.text).select_one(".notice--error").get_text(" ", strip=True)


def _published(client: TestClient) -> tuple[int, str]:
    """A letter answered and published, with a review; its id and the column's address."""
    qid = _letter(client)
    log_in(client, "editor")
    assert post_answer(client, qid, "publish", **READY, **REVIEWED).status_code == 303
    return qid, f"/columns/{_article(client).slug}"


def _public_bytes(client: TestClient, path: str) -> dict[str, bytes]:
    slug = path.rsplit("/", 1)[1]
    pages = [
        path,
        "/",
        "/feed.xml",
        "/topics/boundaries",
        "/search?q=landlord",
        "/sitemap.xml",
        f"/api/v1/columns/{slug}",
        "/api/v1/columns",
    ]
    return {page: client.get(page).content for page in pages}


# ---- Publish, schedule and update need a review of the exact text ------------------------


def test_publishing_without_the_tick_is_refused_even_when_the_aid_finds_nothing(
    desk: TestClient,
) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    refused = post_answer(desk, qid, "publish", **READY)
    assert refused.status_code == 422
    doc = soup(refused.text)
    beside_tick = doc.select_one("#review .field__error").get_text()
    assert "review of this exact text" in beside_tick and "found none" in beside_tick
    with Session(desk.app.state.services.engine) as session:
        assert session.exec(select(Article)).first() is None


@pytest.mark.parametrize("field", ["letter", "answer", "title", "summary", "signoff", "hero_alt"])
def test_a_name_in_any_public_field_is_named_in_the_refusal(desk: TestClient, field: str) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    values = {**READY}
    planted = "Frightened in Fife" if field == "signoff" else f"I asked Dr. Patel about {field}."
    values[field] = planted if field != "letter" else f"{LETTER} {planted}"
    refused = post_answer(desk, qid, "publish", **values)
    assert refused.status_code == 422
    label = {"signoff": "sign-off", "hero_alt": "hero alt text"}.get(field, field)
    word = "Fife" if field == "signoff" else "Dr. Patel"
    assert f"{label}: “{word}”" in _problems(refused)
    panel = soup(refused.text).select_one("#aid-panel")
    fields = {h.get_text(): h.find_parent("div") for h in panel.select(".aid__label")}
    assert word in fields[f"In the {label}"].select_one("mark").get_text()


def test_publishing_a_planted_name_succeeds_with_the_review(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    planted = {**READY, "letter": f"{LETTER}\n\nHer name is {PLANTED} and she is kind."}
    refused = post_answer(desk, qid, "publish", **planted)
    assert refused.status_code == 422
    assert "“Margaret Ellison”" in _problems(refused) and "“Leeds”" in _problems(refused)
    assert post_answer(desk, qid, "publish", **planted, **REVIEWED).status_code == 303
    article = _article(desk)
    assert article.status == "published" and article.reviewed_fingerprint
    assert "Margaret Ellison" in desk.get(f"/columns/{article.slug}").text


def test_scheduling_needs_the_review_too(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    later = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    values = {**READY, "answer": "Ask Tomasz Nowak first.", "publish_at": later}
    refused = post_answer(desk, qid, "schedule", **values)
    assert refused.status_code == 422 and "Tomasz Nowak" in _problems(refused)
    assert post_answer(desk, qid, "schedule", **values, **REVIEWED).status_code == 303
    assert _article(desk).status == "scheduled"


def test_the_tick_is_never_carried_over_to_a_later_change(desk: TestClient) -> None:
    qid, path = _published(desk)
    form = answer_form(desk, qid)
    assert "anonymisation_reviewed" not in form  # shown unticked, every time
    changed = {**READY, "letter": f"{LETTER} {PLANTED}"}
    refused = post_answer(desk, qid, "update", **changed)
    assert refused.status_code == 422 and "“Margaret Ellison”" in _problems(refused)
    assert not soup(refused.text).select_one("#anonymisation_reviewed").has_attr("checked")
    assert PLANTED not in desk.get(path).text


def test_a_scheduled_column_whose_text_changed_behind_the_workflow_is_not_published(
    desk: TestClient,
) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    later = (utcnow() + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    post_answer(desk, qid, "schedule", **READY, **REVIEWED, publish_at=later)
    engine = desk.app.state.services.engine
    with session_scope(engine) as session:
        session.execute(update(Article).values(answer_md="Ask Margaret Ellison in Leeds."))
    with session_scope(engine) as session:
        published = publish_due(
            session=session,
            settings=desk.app.state.services.settings,
            now=utcnow() + timedelta(hours=1),
        )
    assert published == []
    article = _article(desk)
    assert article.status == "draft" and article.published_at is None
    with Session(engine) as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert "article.schedule_unreviewed" in actions


def test_a_scheduled_column_with_its_reviewed_text_is_published_on_time(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    later = (utcnow() + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    # A browser's text area sends what was typed, trailing lines and all: the review still
    # binds the column as it is stored.
    typed = {"letter": f"{LETTER}\r\n\r\n", "answer": f"  {READY['answer']}\n"}
    response = post_answer(
        desk, qid, "schedule", **{**READY, **typed}, **REVIEWED, publish_at=later
    )
    assert response.status_code == 303
    with session_scope(desk.app.state.services.engine) as session:
        published = publish_due(
            session=session,
            settings=desk.app.state.services.settings,
            now=utcnow() + timedelta(hours=1),
        )
    assert published == [_article(desk).id]
    assert _article(desk).status == "published"


# ---- A live column changes only through "Update live column" ------------------------------


def test_saving_a_live_column_keeps_a_draft_and_leaves_every_public_page_unchanged(
    desk: TestClient,
) -> None:
    qid, path = _published(desk)
    before = _public_bytes(desk, path)
    changed = {**READY, "letter": f"{LETTER} {PLANTED}", "title": "A landlord called Ellison"}
    assert post_answer(desk, qid, "save", **changed).status_code == 303
    assert _public_bytes(desk, path) == before
    page = soup(desk.get(f"/admin/questions/{qid}").text)
    assert "Draft of changes, not live yet" in page.select_one(".live-note").get_text()
    assert PLANTED in page.select_one("textarea#letter").get_text()  # the editor sees the draft
    assert any(PLANTED in ins.get_text() for ins in page.select(".live-diff ins"))
    assert page.select_one("button[value=update]").get_text() == "Update live column"
    refused = post_answer(desk, qid, "update")
    assert refused.status_code == 422 and "“Margaret Ellison”" in _problems(refused)
    assert _public_bytes(desk, path) == before
    assert post_answer(desk, qid, "update", **REVIEWED).status_code == 303
    assert PLANTED in desk.get(path).text and "A landlord called Ellison" in desk.get(path).text
    assert _article(desk).draft_revision_id is None


def test_discarding_a_draft_brings_back_the_live_text(desk: TestClient) -> None:
    qid, path = _published(desk)
    post_answer(desk, qid, "save", letter=f"{LETTER} {PLANTED}")
    assert post_answer(desk, qid, "discard_draft").status_code == 303
    assert PLANTED not in soup(desk.get(f"/admin/questions/{qid}").text).select_one("#letter").text
    assert _article(desk).draft_revision_id is None and PLANTED not in desk.get(path).text


def test_a_columnist_may_draft_changes_to_a_live_column_but_not_update_it(
    desk: TestClient,
) -> None:
    qid, path = _published(desk)
    columnist = TestClient(desk.app, follow_redirects=False)
    log_in(columnist, "columnist")
    saved = post_answer(columnist, qid, "save", letter=f"{LETTER} {PLANTED}")
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=save_draft")
    refused = post_answer(columnist, qid, "update", **REVIEWED)
    assert refused.status_code == 403 and "Only editors" in _problems(refused)
    assert PLANTED not in desk.get(path).text
    assert (
        soup(columnist.get(f"/admin/questions/{qid}").text).select_one("button[value=update]")
        is None
    )


def test_restoring_a_revision_of_a_live_column_makes_a_draft_not_a_public_change(
    desk: TestClient,
) -> None:
    qid, path = _published(desk)
    post_answer(desk, qid, "save", letter=f"{LETTER} {PLANTED}")
    assert post_answer(desk, qid, "update", **REVIEWED).status_code == 303
    assert PLANTED in desk.get(path).text
    post_answer(desk, qid, "save", letter=f"{LETTER} Tomasz Nowak is worried.")
    with Session(desk.app.state.services.engine) as session:
        article = session.exec(select(Article)).one()
        draft = session.get(ArticleRevision, article.draft_revision_id)
        assert draft is not None and draft.kind == "draft"
        revision_id, version = draft.id, article.version
    token = soup(desk.get(f"/admin/articles/{article.id}/revisions").text).select_one(
        "input[name=csrf_token]"
    )["value"]
    restored = desk.post(
        f"/admin/articles/{article.id}/revisions/{revision_id}/restore",
        data={"csrf_token": token, "version": str(version)},
    )
    assert restored.status_code == 303 and restored.headers["location"].endswith("restored_draft")
    assert "Tomasz" not in desk.get(path).text
    refused = post_answer(desk, qid, "update")
    assert refused.status_code == 422 and "“Tomasz Nowak”" in _problems(refused)
    assert post_answer(desk, qid, "update", **REVIEWED).status_code == 303
    assert "Tomasz Nowak" in desk.get(path).text


# ---- The aid an editor works with -----------------------------------------------------------


def test_a_replacement_button_changes_the_text_in_the_form_and_saves_nothing(
    desk: TestClient,
) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    values = {**answer_form(desk, qid), **READY, "answer": "Ask Margaret first."}
    page = soup(post_answer(desk, qid, "preview", **values).text)
    buttons = [
        b for b in page.select("#aid-panel button[name=aid]") if "Margaret" in b.get("value", "")
    ]
    replace = next(b for b in buttons if json.loads(b["value"])["op"] == "replace")
    order = json.loads(replace["value"])
    response = desk.post(f"/admin/questions/{qid}", data={**values, "aid": replace["value"]})
    assert response.status_code == 200
    answer = soup(response.text).select_one("textarea#answer").get_text()
    assert answer == f"Ask {order['with']} first." and "Margaret" not in answer
    with Session(desk.app.state.services.engine) as session:
        assert session.exec(select(Article)).first() is None


def test_not_identifying_dismisses_a_false_alarm_for_this_letter(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    values = {**answer_form(desk, qid), **READY, "answer": "Ask Margaret first."}
    page = soup(post_answer(desk, qid, "preview", **values).text)
    dismiss = next(
        b["value"]
        for b in page.select("#aid-panel button[name=aid]")
        if json.loads(b["value"]) == {"op": "dismiss", "text": "Margaret"}
    )
    again = soup(desk.post(f"/admin/questions/{qid}", data={**values, "aid": dismiss}).text)
    assert "Margaret" not in again.select_one("#aid-panel").get_text()
    kept = again.select_one("input[name=dismissed]")["value"]
    post_answer(desk, qid, "save", **{**READY, "answer": "Ask Margaret first.", "dismissed": kept})
    page = soup(desk.get(f"/admin/questions/{qid}").text)
    assert "Margaret" not in page.select_one("#aid-panel").get_text()
    # A dismissal quiets the aid; it never stands in for the review.
    refused = post_answer(desk, qid, "publish", **{**READY, "answer": "Ask Margaret first."})
    assert refused.status_code == 422


def test_the_marks_are_drawn_in_the_text_being_edited(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    response = post_answer(desk, qid, "preview", **{**READY, "answer": "Ask Dr. Patel."})
    backdrop = soup(response.text).select_one("#answer").find_previous_sibling("div")
    assert "marked-field__backdrop" in backdrop["class"]
    assert [m.get_text() for m in backdrop.select("mark")] == ["Dr. Patel"]
    assert backdrop.get_text() == "Ask Dr. Patel."


def test_live_findings_answer_for_the_fields_as_typed(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    token = answer_form(desk, qid)["csrf_token"]
    response = desk.post(
        "/admin/findings",
        data={"csrf_token": token, "title": "About Grace", "answer": "Call 07700 900123."},
    )
    data = response.json()
    assert response.headers["cache-control"] == "no-store"
    assert data["total"] >= 1
    assert '<mark data-kind="phone">07700 900123</mark>' in data["marked"]["answer"]
    assert "In the answer" in data["panel"]


def test_the_queue_shows_each_letters_details_still_to_review(desk: TestClient) -> None:
    send_letter(desk, question=f"{LETTER} Her name is {PLANTED} and she rang 07700 900123.")
    qid = _letter(desk)
    log_in(desk, "editor")

    def badge(question_id: int) -> str:
        rows = soup(desk.get("/admin/queue").text).select("tbody tr")
        row = next(r for r in rows if f"#{question_id}" in r.get_text())
        found = row.select_one(".findings-badge")
        return found.get_text() if found else ""

    assert badge(qid - 1).endswith("identifying details to review")
    assert badge(qid) == ""
    post_answer(desk, qid, "save", **{**READY, "answer": "Ask Dr. Patel."})
    assert badge(qid) == "1 identifying detail to review"
    post_answer(desk, qid, "save", **{**READY, "answer": "Ask Dr. Patel."}, **REVIEWED)
    assert badge(qid) == ""  # reviewed as it stands


# ---- Imported columns are edited through the same editor -----------------------------------


@pytest.fixture
def archive(site_settings: Settings) -> Iterator[TestClient]:
    """The site with the sample columns from content/, and staff."""
    with TestClient(create_app(site_settings), follow_redirects=False) as client:
        make_staff(client)
        yield client


def _column_form(client: TestClient, article_id: int) -> dict[str, str]:
    doc = soup(client.get(f"/admin/columns/{article_id}").text)
    values = form_values(doc.select_one("form.answer-form"))
    values.pop("anonymisation_reviewed", None)
    return values


def test_an_imported_live_column_is_found_edited_as_a_draft_and_updated_with_a_review(
    archive: TestClient,
) -> None:
    log_in(archive, "editor")
    listing = soup(archive.get("/admin/columns?q=scarf").text)
    link = listing.select_one('a.queue__link[href^="/admin/columns/"]')
    assert link is not None and "scarf" in link.get_text().lower()
    article_id = int(link["href"].rsplit("/", 1)[1])
    with Session(archive.app.state.services.engine) as session:
        path = f"/columns/{session.get(Article, article_id).slug}"
    before = _public_bytes(archive, path)
    values = _column_form(archive, article_id)
    values["letter"] += f"\n\n{PLANTED}"
    saved = archive.post(f"/admin/columns/{article_id}", data={**values, "action": "save"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=save_draft")
    assert _public_bytes(archive, path) == before
    values = _column_form(archive, article_id)
    refused = archive.post(f"/admin/columns/{article_id}", data={**values, "action": "update"})
    assert refused.status_code == 422 and "“Margaret Ellison”" in _problems(refused)
    assert _public_bytes(archive, path) == before
    updated = archive.post(
        f"/admin/columns/{article_id}", data={**values, "action": "update", **REVIEWED}
    )
    assert updated.status_code == 303
    assert "Margaret Ellison" in archive.get(path).text


def test_content_import_tells_what_the_aid_finds_in_each_column(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_column(tmp_path / "content", "clean-column", hero=False)
    write_column(
        tmp_path / "content",
        "planted-column",
        hero=False,
        letter=f"Dear Ethics Consult,\n\nMy client {PLANTED} stays after the hour ends.",
    )
    monkeypatch.setenv("CONSULT_DATABASE_URL", database_url)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(tmp_path / "var"))
    assert main(["content", "import", str(tmp_path / "content")]) == 0
    lines = capsys.readouterr().out.splitlines()
    told = [line for line in lines if line.startswith("possible identifying details")]
    assert len(told) == 1 and told[0].startswith("possible identifying details in planted-column:")
    assert "letter: “Margaret Ellison” (name)" in told[0] and "“Leeds” (place)" in told[0]


def test_the_comparison_with_the_live_text_folds_what_did_not_change() -> None:
    lines = [f"Paragraph {n}." for n in range(1, 9)]
    live = ArticleFields("T", "t", "\n".join(lines), "A")
    draft = ArticleFields("T", "t", "\n".join([*lines[:4], "Margaret rang.", *lines[4:]]), "A")
    shown = [(line.kind, line.text) for line in diff_revisions(live, draft, context=1)["letter"]]
    assert shown == [
        ("folded", "…"),
        ("same", "Paragraph 4."),
        ("added", "Margaret rang."),
        ("same", "Paragraph 5."),
        ("folded", "…"),
    ]


def test_a_name_in_a_short_title_is_named_too(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    refused = post_answer(desk, qid, "publish", **{**READY, "title": "What Tomasz told me"})
    assert refused.status_code == 422 and "title: “Tomasz” (name)" in _problems(refused)


def test_updating_an_imported_column_keeps_its_callout(archive: TestClient) -> None:
    log_in(archive, "editor")
    with Session(archive.app.state.services.engine) as session:
        article = session.exec(
            select(Article).where(Article.slug == "he-said-he-would-hurt-him")
        ).one()
        resource = session.get(Resource, article.callout_resource_id or 0)
        assert resource is not None and article.callout_mode == "resource"
        article_id, callout = article.id or 0, resource.text
    values = {**_column_form(archive, article_id), "summary": "A changed summary."}
    updated = archive.post(
        f"/admin/columns/{article_id}", data={**values, "action": "update", **REVIEWED}
    )
    assert updated.status_code == 303
    page = archive.get("/columns/he-said-he-would-hurt-him").text
    assert "A changed summary." in page and callout in page


def test_a_columnists_tick_is_not_recorded_as_the_review(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "columnist")
    values = {**READY, "answer": "Ask Dr. Patel."}
    assert post_answer(desk, qid, "submit_review", **values, **REVIEWED).status_code == 303
    article = _article(desk)
    assert article.reviewed_fingerprint is None and article.unreviewed_findings == 1


def test_a_malformed_aid_button_changes_nothing_and_is_no_error(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    values = {**answer_form(desk, qid), **READY}
    for pressed in ["[" * 1500, "null", '{"op": "replace", "field": "letter", "start": -3}', "7"]:
        response = desk.post(f"/admin/questions/{qid}", data={**values, "aid": pressed})
        assert response.status_code == 200
        assert soup(response.text).select_one("textarea#letter").get_text() == LETTER


def test_unpublishing_with_a_new_slug_leaves_no_redirect_to_it(desk: TestClient) -> None:
    qid, path = _published(desk)
    response = post_answer(desk, qid, "unpublish", slug="margaret-ellison-leeds")
    assert response.status_code == 303
    assert desk.get(path).status_code == 404
