"""Helpers for tests of the editors' side: accounts, signing in, and the article form."""

from __future__ import annotations

from bs4 import Tag
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlmodel import Session

from app.db import session_scope
from app.editorial.staff import create_staff
from app.models import Article, Question
from tests.helpers import soup

PASSWORD = "a-long-secure-passphrase"
STAFF = {
    "admin": "admin@example.org",
    "editor": "editor@example.org",
    "columnist": "columnist@example.org",
}


def make_staff(client: TestClient) -> None:
    """One account per role, all with PASSWORD."""
    with session_scope(client.app.state.services.engine) as session:
        for role, email in STAFF.items():
            create_staff(
                session=session,
                email=email,
                role=role,
                password=PASSWORD,
                name=f"Test {role.title()}",
            )


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token of the first form on a page (fetching it sets the cookie)."""
    return str(soup(client.get(path).text).find("input", attrs={"name": "csrf_token"})["value"])


def log_in(client: TestClient, role: str, password: str = PASSWORD) -> Response:
    """Sign in as the account with this role (or a raw email)."""
    email = STAFF.get(role, role)
    token = csrf_of(client, "/admin/login")
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def log_out(client: TestClient) -> Response:
    token = csrf_of(client, "/admin/queue")
    return client.post("/admin/logout", data={"csrf_token": token})


def answer_form(client: TestClient, question_id: int) -> dict[str, str]:
    """The article form's current values, as a browser would send them back."""
    doc = soup(client.get(f"/admin/questions/{question_id}").text)
    return form_values(doc.select_one("form.answer-form"))


def form_values(form: Tag) -> dict[str, str]:
    """What a browser would send for a form without pressing a button or choosing a file
    (one value per name: ticked boxes of one name, such as topics, are sent comma-separated,
    which the form reads as it reads several values)."""
    values: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name, kind = field.get("name"), field.get("type", "text")
        if not name or kind in ("file", "submit") or field.name == "button":
            continue
        if kind == "checkbox":
            if field.has_attr("checked"):
                value = field.get("value", "on")
                values[name] = f"{values[name]}, {value}" if name in values else value
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            if chosen is not None:
                values[name] = chosen.get("value", chosen.get_text())
        else:
            values[name] = field.get_text() if field.name == "textarea" else field.get("value", "")
    return values


def post_answer(client: TestClient, question_id: int, action: str, **changes: str) -> Response:
    """Fill in the article form (starting from what it shows) and press a button."""
    values = {**answer_form(client, question_id), **changes, "action": action}
    return client.post(f"/admin/questions/{question_id}", data=values)


def newest_question(client: TestClient) -> Question:
    from sqlmodel import col, select

    with Session(client.app.state.services.engine) as session:
        return session.exec(select(Question).order_by(col(Question.id).desc())).first()  # type: ignore[return-value]


def letter_sent(client: TestClient, letter: str, signoff: str) -> int:
    """Send a letter through the /ask form as a reader would; its id."""
    from sqlmodel import select

    from tests.asking import send_letter

    assert send_letter(client, question=letter, signoff=signoff).status_code == 303
    with Session(client.app.state.services.engine) as session:
        return max(q.id or 0 for q in session.exec(select(Question)).all())


def only_article(client: TestClient) -> Article:
    """The one article in the database, as it is stored now."""
    from sqlmodel import select

    with Session(client.app.state.services.engine) as session:
        article = session.exec(select(Article)).one()
        session.expunge(article)
        return article
