"""The editors' desk: the admin shell, the letter page's action bar and checklist, the preview
drawn by the public column template, and autosave (kept, offered back, never public)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.main import create_app
from app.models import Article, ArticleRevision
from tests.conftest import make_settings
from tests.editing import (
    answer_form,
    csrf_of,
    letter_sent,
    log_in,
    log_out,
    make_staff,
    only_article,
    post_answer,
)
from tests.helpers import soup
from tests.topic_setup import make_topics

LETTER = (
    "Dear Ethics Consult,\n\nA client brings me a small gift at the end of every month. I have "
    "said thank you each time, and now I do not know how to say no without hurting him."
)
DRAFT = {
    "title": "The monthly gift",
    "summary": "When thanks has become a habit that is hard to break.",
    "letter": LETTER,
    "answer": "Say no to the gift, and yes to him: the two can be told apart.",
    "byline": "Theo Marsh",
    "signoff": "Grateful but uneasy",
}


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """A site with staff whose form takes letters at once."""
    settings = make_settings(database_url, tmp_path / "var", form_min_seconds=0)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        yield client


def _letter(client: TestClient) -> int:
    return letter_sent(client, LETTER, "Grateful but uneasy")


def _article(client: TestClient) -> Article:
    return only_article(client)


def _autosaves(client: TestClient) -> list[ArticleRevision]:
    with Session(client.app.state.services.engine) as session:
        rows = session.exec(
            select(ArticleRevision).where(col(ArticleRevision.kind) == "autosave")
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _autosave(client: TestClient, path: str, **changes: str) -> dict[str, object]:
    values = {**answer_form(client, int(path.split("/")[3])), **changes}
    response = client.post(f"{path}/autosave", data=values)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


# ---- The shell -----------------------------------------------------------------------------


def test_the_shell_marks_the_open_section_and_counts_the_letters_waiting(
    desk: TestClient,
) -> None:
    _letter(desk)
    _letter(desk)
    log_in(desk, "editor")
    doc = soup(desk.get("/admin/questions/1").text)
    nav = doc.select_one("nav.admin-nav")
    current = nav.select('a[aria-current="page"]')
    assert [" ".join(a.get_text().split()) for a in current] == ["Queue (2 open)"]
    assert "Staff" not in nav.get_text()  # an editor is not an admin
    columns = soup(desk.get("/admin/columns").text).select_one('nav a[aria-current="page"]')
    assert columns.get_text(strip=True) == "Columns"


# ---- The action bar follows the state --------------------------------------------------------


def _bar(client: TestClient, path: str) -> tuple[str, list[str], list[str]]:
    doc = soup(client.get(path).text)
    bar = doc.select_one(".action-bar")
    primary = bar.select_one(".button--publish")
    menu = [b.get_text(" ", strip=True) for b in bar.select(".action-menu__list button")]
    shown = [b.get_text(strip=True) for b in bar.select(".action-bar__buttons > button")]
    return (primary.get_text(strip=True) if primary else ""), shown, menu


def test_the_primary_button_follows_the_columns_state_and_role(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "columnist")
    primary, shown, menu = _bar(desk, f"/admin/questions/{qid}")
    assert primary == "Submit for review"
    assert "Publish now" not in shown + menu and not any("Schedule" in m for m in menu)
    log_out(desk)

    log_in(desk, "editor")
    primary, shown, menu = _bar(desk, f"/admin/questions/{qid}")
    assert (primary, shown[:3]) == ("Publish now", ["Publish now", "Save draft", "Preview"])
    assert any(m.startswith("Schedule") for m in menu) and "Submit for review" in menu

    make_topics(desk, "Boundaries")
    topics = {"topics": "Boundaries"}
    post_answer(desk, qid, "publish", **DRAFT, **topics, anonymisation_reviewed="1")
    primary, shown, menu = _bar(desk, f"/admin/questions/{qid}")
    assert primary == "Update live column"
    assert "Unpublish" in menu and "Publish now" not in shown + menu


def test_the_checklist_shows_what_is_done_and_what_is_missing(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    items = soup(desk.get(f"/admin/questions/{qid}").text).select(".checklist__item")
    done = {i.select_one(".checklist__label").get_text(): "is-done" in i["class"] for i in items}
    assert done["A title"] is False and done["The reader’s sign-off"] is True
    assert not any("hero image" in label for label in done)  # no image, no alt text to ask for


# ---- The live desk: preview, checklist and counts as typed ----------------------------------


def test_the_live_preview_is_drawn_by_the_public_column_template(desk: TestClient) -> None:
    log_in(desk, "editor")
    token = csrf_of(desk, "/admin/queue")
    data = {**DRAFT, "topics": "Boundaries", "csrf_token": token}
    response = desk.post("/admin/desk", data=data)
    assert response.status_code == 200
    answer = response.json()
    preview = soup(answer["preview"])
    assert preview.select_one("h1").get_text() == "The monthly gift"
    assert [a.get_text() for a in preview.select(".topic-tags a")] == ["Boundaries"]
    assert "By Theo Marsh" in preview.select_one(".column__header .meta").get_text()
    assert preview.select_one(".answer__text p").get_text().startswith("Say no to the gift")
    checklist = soup(answer["checklist"]).select(".checklist__item")
    assert all("is-done" in item["class"] for item in checklist)
    assert answer["words"] == len(LETTER.split()) + len(DRAFT["answer"].split())


def test_the_live_desk_needs_a_signed_in_editor_and_the_forms_token(desk: TestClient) -> None:
    assert desk.post("/admin/desk", data=DRAFT).status_code in (303, 401, 403)
    log_in(desk, "editor")
    assert desk.post("/admin/desk", data=DRAFT).status_code == 403


# ---- Autosave ------------------------------------------------------------------------------


def test_autosave_of_an_unanswered_letter_starts_its_draft_never_a_public_column(
    desk: TestClient,
) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    answer = _autosave(desk, f"/admin/questions/{qid}", **DRAFT)
    article = _article(desk)
    assert article.status == "draft" and article.title == "The monthly gift"
    assert answer["version"] == article.version
    assert desk.get("/").text.count("The monthly gift") == 0
    # The form's version now matches, so the next explicit save is not refused as stale.
    again = post_answer(desk, qid, "save", version=str(answer["version"]))
    assert again.status_code == 303


def test_autosave_is_offered_back_after_a_reload_until_something_is_saved(
    desk: TestClient,
) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT)
    path = f"/admin/questions/{qid}"
    assert desk.get(f"{path}/autosave").json() == {"pending": False}

    _autosave(desk, path, answer="Half a thought, typed before the power went out.")
    _autosave(desk, path, answer="A whole thought, typed before the power went out.")
    assert len(_autosaves(desk)) == 1  # one autosave per editor and column, the newest
    offered = desk.get(f"{path}/autosave").json()
    assert offered["pending"] is True
    assert offered["fields"]["answer"] == "A whole thought, typed before the power went out."
    # The column itself is untouched until the editor saves.
    assert _article(desk).answer_md == DRAFT["answer"]

    log_out(desk)
    log_in(desk, "columnist")  # another person never sees this editor's typing
    assert desk.get(f"{path}/autosave").json() == {"pending": False}
    log_out(desk)

    log_in(desk, "editor")
    post_answer(desk, qid, "save", answer="Saved on purpose.")
    assert desk.get(f"{path}/autosave").json() == {"pending": False}


def test_autosave_of_a_live_column_leaves_the_public_page_alone(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    make_topics(desk, "Boundaries")
    ready = {**DRAFT, "topics": "Boundaries", "anonymisation_reviewed": "1"}
    assert post_answer(desk, qid, "publish", **ready).status_code == 303
    article = _article(desk)
    public = desk.get(f"/columns/{article.slug}").content
    _autosave(desk, f"/admin/columns/{article.id}", answer="Not for readers yet.")
    assert desk.get(f"/columns/{article.slug}").content == public
    assert _article(desk).version == article.version
    offered = desk.get(f"/admin/columns/{article.id}/autosave").json()
    assert offered["fields"]["answer"] == "Not for readers yet."


def test_keeping_the_saved_text_forgets_the_autosave(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT)
    path = f"/admin/questions/{qid}"
    _autosave(desk, path, answer="Second thoughts.")
    token = csrf_of(desk, path)
    assert desk.post(f"{path}/autosave", data={"csrf_token": token, "forget": "1"}).json()
    assert _autosaves(desk) == []


@pytest.mark.parametrize("path", ["/admin/questions/{}/autosave", "/admin/columns/{}/autosave"])
@pytest.mark.parametrize("bad", ["0", "2147483648", "99999999999999999999", "-3"])
def test_autosave_of_something_that_is_not_there_is_a_404_not_a_500(
    desk: TestClient, path: str, bad: str
) -> None:
    log_in(desk, "editor")
    token = csrf_of(desk, "/admin/queue")
    assert desk.get(path.format(bad)).status_code in (404, 422)
    assert desk.post(path.format(bad), data={"csrf_token": token}).status_code in (404, 422)


def test_an_autosave_is_not_one_of_the_columns_revisions(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT)
    article = _article(desk)
    page = f"/admin/articles/{article.id}/revisions"
    before = len(soup(desk.get(page).text).select("tbody tr"))
    _autosave(desk, f"/admin/questions/{qid}", answer="Typed, not saved.")
    assert len(_autosaves(desk)) == 1
    assert len(soup(desk.get(page).text).select("tbody tr")) == before
    assert "Typed, not saved." not in desk.get(page).text


def test_an_autosave_never_brings_a_stale_form_up_to_date(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT)
    stale = answer_form(desk, qid)  # the editor's page, loaded now
    post_answer(desk, qid, "save", answer="Someone else's answer, saved meanwhile.")
    answer = desk.post(f"/admin/questions/{qid}/autosave", data={**stale, "summary": "Mine."})
    assert answer.status_code == 200 and "version" not in answer.json()
    refused = desk.post(f"/admin/questions/{qid}", data={**stale, "action": "save"})
    assert refused.status_code == 409
    assert _article(desk).answer_md == "Someone else's answer, saved meanwhile."


def test_nobody_can_restore_an_autosave_as_a_revision(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT)
    _autosave(desk, f"/admin/questions/{qid}", answer="What the editor was typing.")
    (kept,) = _autosaves(desk)
    article = _article(desk)
    log_out(desk)
    log_in(desk, "columnist")
    token = csrf_of(desk, "/admin/queue")
    path = f"/admin/articles/{article.id}/revisions/{kept.id}/restore"
    refused = desk.post(path, data={"csrf_token": token, "version": str(article.version)})
    assert refused.status_code == 404
    assert _article(desk).answer_md == DRAFT["answer"]


def test_a_topic_typed_in_an_autosave_is_still_refused_on_save(desk: TestClient) -> None:
    make_topics(desk, "Boundaries")
    qid = _letter(desk)
    log_in(desk, "editor")
    post_answer(desk, qid, "save", **DRAFT, topics="Boundaries")
    _autosave(desk, f"/admin/questions/{qid}", topics="Boundaries, Boundries")
    refused = post_answer(desk, qid, "save", topics="Boundaries, Boundries")
    assert refused.status_code == 422
    assert "“Boundries” is not a topic" in refused.text


def test_an_autosave_that_cannot_be_kept_says_why(desk: TestClient) -> None:
    qid = _letter(desk)
    log_in(desk, "editor")
    form = {**answer_form(desk, qid), **DRAFT, "title": "T" * 201}
    answer = desk.post(f"/admin/questions/{qid}/autosave", data=form)
    assert answer.status_code == 422
    assert answer.json()["error"] == "Keep this under 200 characters."
