"""Running the column: staff, topics, revisions, hero images, the audit log and the newsletter."""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Callable
from functools import partial

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from PIL import Image
from sqlmodel import Session, col, select

from app.db import session_scope
from app.models import Article, ArticleRevision, Staff, Subscriber, Topic
from tests.asking import LETTER, send_letter
from tests.editing import STAFF, answer_form, csrf_of, log_in, log_out, newest_question, post_answer
from tests.helpers import soup

NEW_PASSWORD = "four unrelated words together"
NEWCOMER = {"email": "new.person@example.org", "name": "New Person", "role": "columnist"}
READY = {
    "summary": "A summary.",
    "answer": "Hold the line, kindly.",
    "byline": "Test Editor",
    "anonymisation_reviewed": "1",
}


def _staff(client: TestClient, email: str) -> Staff | None:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Staff).where(Staff.email == email)).first()


def _went(response: Response) -> tuple[int, str]:
    return response.status_code, response.headers.get("location", "")


def _post(client: TestClient, path: str, page: str, **data: object) -> Response:
    """Post a form the way the page at `page` would (with its CSRF token)."""
    return client.post(path, data={**data, "csrf_token": csrf_of(client, page)})


def _add_staff(client: TestClient, password: str) -> Response:
    return _post(client, "/admin/staff", "/admin/staff", **NEWCOMER, password=password)


def test_the_admin_lists_staff_and_adds_an_account(newsroom: TestClient) -> None:
    log_in(newsroom, "admin")
    rows = soup(newsroom.get("/admin/staff").text).select("table.staff-table tbody tr")
    assert sorted(r.select_one(".meta").get_text() for r in rows) == sorted(STAFF.values())
    assert _went(_add_staff(newsroom, NEW_PASSWORD)) == (303, "/admin/staff?done=added")
    assert "new.person@example.org" in newsroom.get("/admin/staff").text
    other = TestClient(newsroom.app, follow_redirects=False)
    assert log_in(other, "new.person@example.org", NEW_PASSWORD).status_code == 303
    assert other.get("/admin/queue").status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [("short-one", "at least 12 characters"), ("password1234", "too common")],
)
def test_weak_passwords_are_refused(newsroom: TestClient, password: str, message: str) -> None:
    log_in(newsroom, "admin")
    response = _add_staff(newsroom, password)
    assert response.status_code == 422
    assert message in soup(response.text).select_one(".notice--error").get_text()
    assert _staff(newsroom, "new.person@example.org") is None


def test_the_admin_changes_a_role(newsroom: TestClient) -> None:
    person = _staff(newsroom, STAFF["columnist"])
    assert person is not None
    log_in(newsroom, "admin")
    response = _post(
        newsroom, f"/admin/staff/{person.id}", "/admin/staff", role="editor", action="role"
    )
    assert response.status_code == 303
    assert _staff(newsroom, STAFF["columnist"]).role == "editor"  # type: ignore[union-attr]


def test_disabling_someone_ends_their_session_at_once(newsroom: TestClient) -> None:
    person = _staff(newsroom, STAFF["columnist"])
    assert person is not None
    theirs = TestClient(newsroom.app, follow_redirects=False)
    log_in(theirs, "columnist")
    assert theirs.get("/admin/queue").status_code == 200
    log_in(newsroom, "admin")
    form = {"role": "columnist", "action": "disable"}
    assert _post(newsroom, f"/admin/staff/{person.id}", "/admin/staff", **form).status_code == 303
    assert _staff(newsroom, STAFF["columnist"]).active is False  # type: ignore[union-attr]
    assert _went(theirs.get("/admin/queue")) == (303, "/admin/login?next=/admin/queue")
    log_in(theirs, "columnist")
    assert theirs.get("/admin/queue").status_code == 303


def test_an_editor_cannot_manage_staff(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    assert newsroom.get("/admin/staff").status_code == 403
    token = csrf_of(newsroom, "/admin/queue")
    response = newsroom.post("/admin/staff", data={"csrf_token": token, "password": NEW_PASSWORD})
    assert response.status_code == 403


def _publish(client: TestClient, title: str, topics: str) -> str:
    """Send a letter and publish an answer to it (signed in as an editor); its slug. Topics
    are picked from existing ones, so any that are missing are made first."""
    with session_scope(client.app.state.services.engine) as session:
        for name in (n.strip() for n in topics.split(",") if n.strip()):
            if session.exec(select(Topic).where(Topic.name == name)).first() is None:
                session.add(Topic(name=name, slug=name.lower().replace(" ", "-")))
    assert send_letter(client, question=f"{LETTER} ({title})").status_code == 303
    qid = newest_question(client).id or 0
    response = post_answer(client, qid, "publish", title=title, topics=topics, **READY)
    assert response.status_code == 303, response.text
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Article.slug).where(Article.title == title)).one()


def _topic_id(client: TestClient, slug: str) -> int:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Topic.id).where(Topic.slug == slug)).one() or 0


def _column_links(client: TestClient, path: str) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    return [a["href"] for a in soup(page.text).select('main a[href^="/columns/"]')]


def test_renaming_a_topic_redirects_its_old_address(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    slug = _publish(newsroom, "The client who followed me home", "Safety")
    log_out(newsroom)
    log_in(newsroom, "admin")
    topic = _topic_id(newsroom, "safety")
    form = {"name": "Client safety", "description": "Staying safe at work."}
    assert _post(newsroom, f"/admin/topics/{topic}", "/admin/topics", **form).status_code == 303
    assert _went(newsroom.get("/topics/safety")) == (301, "/topics/client-safety")
    assert f"/columns/{slug}" in _column_links(newsroom, "/topics/client-safety")


def test_merging_topics_moves_articles_and_redirects(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    first = _publish(newsroom, "A gift from a client", "Gifts")
    second = _publish(newsroom, "The present I kept", "Presents")
    log_out(newsroom)
    log_in(newsroom, "admin")
    source, into = _topic_id(newsroom, "gifts"), _topic_id(newsroom, "presents")
    merged = _post(newsroom, "/admin/topics/merge", "/admin/topics", source=source, into=into)
    assert _went(merged) == (303, f"/admin/topics/{into}?done=topic-merged")
    assert _went(newsroom.get("/topics/gifts")) == (301, "/topics/presents")
    links = _column_links(newsroom, "/topics/presents")
    assert {f"/columns/{first}", f"/columns/{second}"} <= set(links)
    names = [o.get_text() for o in soup(newsroom.get("/admin/topics").text).select("#into option")]
    assert names == ["Presents"]


def _article(client: TestClient) -> Article:
    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Article)).one()


def _saved_twice(client: TestClient) -> tuple[int, int]:
    """An answer saved by the editor, then changed by the columnist: (letter id, article id)."""
    assert send_letter(client).status_code == 303
    qid = newest_question(client).id or 0
    log_in(client, "editor")
    first = post_answer(client, qid, "save", title="Coffee", answer="Say no kindly.\nAgain.")
    log_out(client)
    log_in(client, "columnist")
    second = post_answer(client, qid, "save", answer="Say no kindly.\nAnd explain the frame.")
    assert (first.status_code, second.status_code) == (303, 303)
    return qid, _article(client).id or 0


def test_revisions_are_listed_with_their_authors_and_compared(newsroom: TestClient) -> None:
    _, article_id = _saved_twice(newsroom)
    doc = soup(newsroom.get(f"/admin/articles/{article_id}/revisions").text)
    rows = doc.select("table.revisions tbody tr")
    assert [r.select("td")[3].get_text() for r in rows] == [STAFF["columnist"], STAFF["editor"]]
    assert "(current)" in rows[0].get_text()
    assert [i.get_text() for i in doc.select(".diff ins")] == ["And explain the frame."]
    assert [d.get_text() for d in doc.select(".diff del")] == ["Again."]
    assert [h.get_text() for h in doc.select(".diff h3")] == ["answer"]


def test_restoring_a_revision_makes_it_current(newsroom: TestClient) -> None:
    qid, article_id = _saved_twice(newsroom)
    doc = soup(newsroom.get(f"/admin/articles/{article_id}/revisions").text)
    oldest = doc.select("form[action$='/restore']")[-1]
    data = {i["name"]: i["value"] for i in oldest.select("input")}
    assert newsroom.post(oldest["action"], data=data).status_code == 303
    assert _article(newsroom).answer_md == "Say no kindly.\nAgain."
    assert answer_form(newsroom, qid)["answer"] == "Say no kindly.\nAgain."
    with Session(newsroom.app.state.services.engine) as session:
        saved = session.exec(select(ArticleRevision).order_by(col(ArticleRevision.id))).all()
    assert [r.version for r in saved] == [1, 2, 3]
    assert saved[2].answer_md == saved[0].answer_md != saved[1].answer_md
    assert newsroom.post(oldest["action"], data=data).status_code == 409


@pytest.mark.parametrize("version", ["\u00b2", "99999999999999999999", "-1", ""])
def test_a_restore_with_an_odd_version_is_refused_as_stale(
    newsroom: TestClient, version: str
) -> None:
    """A version that is not a number the column could have had is a stale form, never a 500."""
    _, article_id = _saved_twice(newsroom)
    doc = soup(newsroom.get(f"/admin/articles/{article_id}/revisions").text)
    oldest = doc.select("form[action$='/restore']")[-1]
    data = {i["name"]: i["value"] for i in oldest.select("input")}
    answer = newsroom.post(oldest["action"], data={**data, "version": version})
    assert answer.status_code == 409
    assert _article(newsroom).answer_md == "Say no kindly.\nAnd explain the frame."


def _encoded(size: tuple[int, int], kind: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, kind, **options)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    data = _encoded((320, 200), exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def _upload(client: TestClient, name: str, data: bytes, kind: str = "image/jpeg") -> Response:
    assert send_letter(client).status_code == 303
    qid = newest_question(client).id or 0
    log_in(client, "editor")
    form = {**answer_form(client, qid), "action": "save", "hero_alt": "An orange rectangle"}
    response = client.post(f"/admin/questions/{qid}", data=form, files={"hero": (name, data, kind)})
    return response


def test_a_hero_image_is_stored_as_webp_without_metadata(newsroom: TestClient) -> None:
    assert _upload(newsroom, "photo.jpg", _jpeg_with_gps()).status_code == 303
    article = _article(newsroom)
    assert article.hero_path and article.hero_path.endswith(".webp")
    assert (article.hero_width, article.hero_height) == (320, 200)
    with Image.open(newsroom.app.state.services.settings.media_dir / article.hero_path) as stored:
        assert stored.format == "WEBP"
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert newsroom.get(f"/media/{article.hero_path}").status_code == 200


BOMB = pytest.param(
    "big.jpg",
    partial(_encoded, (7000, 6000)),
    "image",
    id="over-40-megapixels",
)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("x.jpg", lambda: b"This is a text file, not a photograph.\n" * 20, "not an image we"),
        ("huge.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(5 * 1024 * 1024 + 10), "larger than 5 MB"),
        ("moving.gif", partial(_encoded, (20, 20), "GIF"), "JPEG, PNG or WebP image"),
        BOMB,
    ],
)
def test_bad_uploads_are_refused_with_a_message(
    newsroom: TestClient, name: str, make: Callable[[], bytes], message: str
) -> None:
    response = _upload(newsroom, name, make())
    assert response.status_code == 422
    error = soup(response.text).select_one(".field--error")
    assert message in error.get_text()
    assert error.select_one("input#hero") is not None
    assert list(newsroom.app.state.services.settings.media_dir.glob("*.webp")) == []


def test_an_upload_leaves_no_temporary_file_open(newsroom: TestClient) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert _upload(newsroom, "photo.jpg", _jpeg_with_gps()).status_code == 303
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []


def _audit_actions(client: TestClient, query: str = "") -> list[str]:
    page = client.get(f"/admin/audit{query}")
    assert page.status_code == 200
    return [
        row["data-action"] for row in soup(page.text).select("table.audit tbody tr[data-action]")
    ]


def test_the_audit_log_shows_sign_ins_and_publications(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    _publish(newsroom, "The client who brought a cake", "Gifts")
    actions = _audit_actions(newsroom)
    assert {"login.succeeded", "article.publish"} <= set(actions)
    assert _audit_actions(newsroom, "?action=article.publish") == ["article.publish"]
    assert set(_audit_actions(newsroom, "?action=login.succeeded")) == {"login.succeeded"}
    log_out(newsroom)
    log_in(newsroom, "columnist")
    assert newsroom.get("/admin/audit").status_code == 403


def test_the_newsletter_page_and_its_export(newsroom: TestClient) -> None:
    with session_scope(newsroom.app.state.services.engine) as session:
        for n, status in enumerate(["confirmed", "confirmed", "pending", "unsubscribed"]):
            session.add(Subscriber(email=f"reader{n}@example.org", status=status))
    log_in(newsroom, "editor")
    doc = soup(newsroom.get("/admin/newsletter").text)
    counts = {d.dt.get_text(): d.dd.get_text() for d in doc.select("dl.counts > div")}
    assert counts == {"Confirmed": "2", "Waiting for confirmation": "1", "Unsubscribed": "1"}
    button = doc.select_one('form[action="/admin/newsletter/send"] button')
    assert "Send" in button.get_text()
    assert doc.select_one('a[href$="subscribers.csv"]') is None
    assert newsroom.get("/admin/newsletter/subscribers.csv").status_code == 403
    log_out(newsroom)
    log_in(newsroom, "admin")
    export = newsroom.get("/admin/newsletter/subscribers.csv")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "reader0@example.org" in export.text and "reader2@example.org" not in export.text
