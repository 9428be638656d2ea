"""Who may do what: every admin route for every role, and the public's view of drafts."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.main import EDITORIAL_ROUTERS
from app.models import Article, ArticleRevision, Question, Resource, Staff, Topic
from tests.asking import send_letter
from tests.editing import STAFF, csrf_of, log_in, post_answer
from tests.topic_setup import make_topics

ROLES = ["columnist", "editor", "admin"]
RANK = {"any": 0, "columnist": 1, "editor": 2, "admin": 3}
# (method, route) -> the least role that may use it. Destructive routes come last.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/admin/login"): "any",
    ("GET", "/admin"): "columnist",
    ("GET", "/admin/queue"): "columnist",
    ("GET", "/admin/questions/{question_id}"): "columnist",
    ("POST", "/admin/questions/{question_id}/notes"): "columnist",
    ("POST", "/admin/desk"): "columnist",
    ("GET", "/admin/questions/{question_id}/autosave"): "columnist",
    ("POST", "/admin/questions/{question_id}/autosave"): "columnist",
    ("GET", "/admin/columns/{article_id}/autosave"): "columnist",
    ("POST", "/admin/columns/{article_id}/autosave"): "columnist",
    ("GET", "/admin/columns/new"): "columnist",
    ("POST", "/admin/columns/new"): "columnist",
    ("POST", "/admin/findings"): "columnist",
    ("GET", "/admin/articles/{article_id}/revisions"): "columnist",
    ("GET", "/admin/audit"): "editor",
    ("GET", "/admin/newsletter"): "editor",
    ("POST", "/admin/newsletter/send"): "editor",
    ("POST", "/admin/questions/{question_id}/assign"): "editor",
    ("POST", "/admin/questions/{question_id}"): "editor",  # pressing "publish"
    ("GET", "/admin/columns"): "columnist",
    ("GET", "/admin/columns/{article_id}"): "columnist",
    ("POST", "/admin/columns/{article_id}"): "editor",  # pressing "update live column"
    ("POST", "/admin/articles/{article_id}/revisions/{revision_id}/restore"): "columnist",
    ("GET", "/admin/staff"): "admin",
    ("GET", "/admin/topics"): "editor",
    ("POST", "/admin/topics"): "editor",
    ("GET", "/admin/topics/{topic_id}"): "editor",
    ("POST", "/admin/topics/{topic_id}/delete"): "admin",
    ("GET", "/admin/resources"): "editor",
    ("GET", "/admin/resources/new"): "editor",
    ("POST", "/admin/resources/new"): "editor",
    ("GET", "/admin/resources/{resource_id}"): "editor",
    ("POST", "/admin/resources/{resource_id}"): "editor",
    ("GET", "/admin/resources/topic/{topic_id}"): "editor",
    ("POST", "/admin/resources/topic/{topic_id}"): "editor",
    ("POST", "/admin/resources/{resource_id}/delete"): "editor",
    ("GET", "/admin/newsletter/subscribers.csv"): "admin",
    ("POST", "/admin/topics/{topic_id}"): "admin",
    ("POST", "/admin/staff"): "admin",
    ("POST", "/admin/staff/{staff_id}"): "admin",
    ("POST", "/admin/topics/merge"): "admin",
    ("POST", "/admin/queue/bulk"): "editor",
    ("POST", "/admin/questions/{question_id}/triage"): "editor",
    ("POST", "/admin/login"): "any",
    ("POST", "/admin/logout"): "columnist",
}


def test_the_matrix_covers_every_admin_route() -> None:
    routes = {
        (m, r.path)
        for router in EDITORIAL_ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute)
        for m in r.methods
    }
    assert routes == set(MATRIX)


def _world(client: TestClient) -> dict[str, int]:
    """A published article with two revisions, a letter, topics and staff to act on."""
    send_letter(client)
    with Session(client.app.state.services.engine) as session:
        qid = session.exec(select(Question.id)).one()
    make_topics(client, "Alpha", "Beta", "Unused")
    editor = TestClient(client.app, follow_redirects=False)
    log_in(editor, "editor")
    post_answer(
        editor,
        qid,
        "save",
        title="Ready",
        summary="S",
        topics="Alpha, Beta",
        byline="B",
        answer="First answer.",
    )
    post_answer(editor, qid, "save", answer="Second answer.")
    send_letter(client, question="Another letter, for the triage buttons to act upon today.")
    send_letter(client, question="A third letter, for the bulk buttons to act upon this week.")
    with Session(client.app.state.services.engine) as session:
        article = session.exec(select(Article)).one()
        revision = session.exec(
            select(ArticleRevision.id).order_by(col(ArticleRevision.id))
        ).first()
        topics = {t.name: t.id for t in session.exec(select(Topic)).all()}
        staff = session.exec(select(Staff.id).where(Staff.email == STAFF["columnist"])).one()
        newest = session.exec(select(Question.id).order_by(col(Question.id).desc())).all()
        library = Resource(title="A course", text="On gifts.", url="https://example.org/course")
        session.add(library)
        session.flush()
        resource, article_id, version = library.id, article.id, article.version
        session.commit()
    return {
        "question_id": qid,
        "article_id": article_id,
        "revision_id": revision,
        "staff_id": staff,
        "topic_id": topics["Alpha"],
        "unused_topic": topics["Unused"],
        "resource_id": resource,
        "beta": topics["Beta"],
        "second": newest[1],
        "third": newest[0],
        "version": version,
    }


def _request(client: TestClient, method: str, route: str, ids: dict[str, int]) -> Any:
    path = route.format(**ids)
    if route.endswith("/triage"):
        path = route.format(question_id=ids["second"])
    if route == "/admin/topics/{topic_id}/delete":
        path = route.format(topic_id=ids["unused_topic"])
    with Session(client.app.state.services.engine) as session:
        ids["version"] = session.get(Article, ids["article_id"]).version
    if method == "GET":
        return client.get(path)
    data: dict[str, Any] = {"csrf_token": _token(client)}
    data.update(
        {
            "/admin/questions/{question_id}": {
                "action": "publish",
                "title": "Ready",
                "summary": "S",
                "topics": "Alpha",
                "byline": "B",
                "signoff": "R",
                "letter": "Dear Ethics Consult, a letter.",
                "answer": "An answer.",
                "version": ids["version"],
                "anonymisation_reviewed": "1",
            },
            "/admin/columns/{article_id}": {
                "action": "update",
                "title": "Ready, updated",
                "summary": "S",
                "topics": "Alpha",
                "byline": "B",
                "signoff": "R",
                "letter": "Dear Ethics Consult, a letter.",
                "answer": "An answer, updated.",
                "version": ids["version"],
                "anonymisation_reviewed": "1",
            },
            "/admin/queue/bulk": {"action": "spam", "ids": [ids["third"]]},
            "/admin/questions/{question_id}/triage": {"action": "decline"},
            "/admin/questions/{question_id}/notes": {"body": "A note."},
            "/admin/questions/{question_id}/assign": {"assignee": ids["staff_id"]},
            "/admin/articles/{article_id}/revisions/{revision_id}/restore": {
                "version": ids["version"]
            },
            "/admin/staff": {
                "email": "new@example.org",
                "role": "columnist",
                "password": "orchard lantern velvet",
            },
            "/admin/staff/{staff_id}": {"role": "columnist", "action": "role"},
            "/admin/topics/{topic_id}": {"name": "Alpha", "description": "d"},
            "/admin/topics/merge": {"source": ids["beta"], "into": ids["topic_id"]},
            "/admin/topics": {"name": "Delta", "description": "A new topic."},
            "/admin/columns/new": {"action": "save", "title": "A column without a letter"},
            "/admin/resources/new": RESOURCE,
            "/admin/resources/{resource_id}": RESOURCE,
            "/admin/resources/topic/{topic_id}": {"resource": ids["resource_id"]},
            "/admin/login": {"email": "x@example.org", "password": "wrong-password-x"},
        }.get(route, {})
    )
    return client.post(path, data=data)


RESOURCE = {
    "title": "Gifts in therapy, a short course",
    "text": "Three evenings on gifts, thanks and the frame.",
    "link_text": "Explore course",
    "url": "https://example.org/gifts",
    "small_print": "Complete course information is available via the course link above.",
}


def _token(client: TestClient) -> str:
    return csrf_of(client, "/admin/queue")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may(newsroom: TestClient, role: str) -> None:
    ids = _world(newsroom)
    log_in(newsroom, role)
    results = {}
    for (method, route), least in MATRIX.items():
        if route == "/admin/logout":
            continue
        response = _request(newsroom, method, route, ids)
        allowed = RANK[role] >= RANK[least]
        results[(method, route)] = response.status_code
        if allowed:
            expected = (401,) if (method, route) == ("POST", "/admin/login") else (200, 303)
            assert response.status_code in expected, (role, method, route, response.status_code)
        else:
            assert response.status_code == 403, (role, method, route, response.status_code)
        if response.status_code == 200 and method == "GET" and route != "/admin/login":
            assert response.headers["cache-control"] == "no-store"
    assert len(results) == len(MATRIX) - 1


def test_drafts_and_unpublished_columns_are_404_to_the_public(newsroom: TestClient) -> None:
    ids = _world(newsroom)
    with Session(newsroom.app.state.services.engine) as session:
        slug = session.get(Article, ids["article_id"]).slug
    public = TestClient(newsroom.app, follow_redirects=False)
    assert public.get(f"/columns/{slug}").status_code == 404
    assert public.get(f"/api/v1/columns/{slug}").status_code == 404
    assert slug not in public.get("/feed.xml").text and slug not in public.get("/sitemap.xml").text
