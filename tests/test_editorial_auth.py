"""Staff sign-in: sessions, cookies, throttling, and every /admin route behind a login."""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from pathlib import Path
from types import SimpleNamespace

import anyio
import pytest
from anyio import CapacityLimiter, fail_after, to_thread
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.cli import main
from app.db import make_engine
from app.deps import get_session
from app.editorial import auth
from app.editorial.passwords import hasher, password_problem
from app.main import EDITORIAL_ROUTERS
from app.models import AuditEntry, Staff, StaffSession, utcnow
from tests.editing import PASSWORD, STAFF, csrf_of, log_in, log_out
from tests.helpers import soup

LOGIN_PAGES = {"/admin/login"}


def _admin_routes() -> list[tuple[str, str]]:
    found = []
    for router in EDITORIAL_ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            for method in route.methods:
                found.append((method, route.path))
    return found


def test_every_admin_route_sends_anonymous_visitors_to_the_login(newsroom: TestClient) -> None:
    routes = _admin_routes()
    assert len(routes) >= 20
    for method, path in routes:
        if path in LOGIN_PAGES:
            continue
        url = path.replace("{question_id}", "1").replace("{article_id}", "1")
        url = (
            url.replace("{revision_id}", "1").replace("{staff_id}", "1").replace("{topic_id}", "1")
        )
        response = newsroom.request(method, url)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"].startswith("/admin/login"), (method, path)


def test_signing_in_sets_a_private_cookie_and_opens_the_queue(newsroom: TestClient) -> None:
    response = log_in(newsroom, "editor")
    assert response.status_code == 303 and response.headers["location"] == "/admin/queue"
    cookie = response.headers["set-cookie"]
    assert "consult_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    queue = newsroom.get("/admin/queue")
    assert queue.status_code == 200 and queue.headers["cache-control"] == "no-store"
    assert soup(queue.text).find("h1").get_text(strip=True) == "Letters"
    with Session(newsroom.app.state.services.engine) as session:
        [row] = session.exec(select(StaffSession)).all()
    assert row.id_hash not in cookie  # only a hash of the id is stored


def test_after_logout_the_old_cookie_is_refused(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    old = newsroom.cookies.get("consult_session")
    assert log_out(newsroom).headers["location"] == "/admin/login"
    newsroom.cookies.set("consult_session", old)
    response = newsroom.get("/admin/queue")
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login")


def test_the_session_id_is_rotated_at_login(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    first = newsroom.cookies.get("consult_session")
    token = csrf_of(newsroom, "/admin/queue")
    again = newsroom.post(
        "/admin/login", data={"email": STAFF["editor"], "password": PASSWORD, "csrf_token": token}
    )
    assert again.status_code == 303 and newsroom.cookies.get("consult_session") != first
    newsroom.cookies.clear()
    newsroom.cookies.set("consult_session", first)
    assert newsroom.get("/admin/queue").status_code == 303


def test_five_wrong_passwords_then_the_right_one_is_429(newsroom: TestClient) -> None:
    for _ in range(5):
        assert log_in(newsroom, "editor", password="wrong-password-here").status_code == 401
    response = log_in(newsroom, "editor")
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
    assert "consult_session" not in response.headers.get("set-cookie", "")


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(newsroom: TestClient) -> None:
    unknown = log_in(newsroom, "nobody@example.org")
    wrong = log_in(newsroom, "editor", password="wrong-password-here")
    assert unknown.status_code == wrong.status_code == 401
    error = soup(unknown.text).select_one(".notice--error").get_text()
    assert error == soup(wrong.text).select_one(".notice--error").get_text()


def test_logins_are_audited(newsroom: TestClient) -> None:
    log_in(newsroom, "editor", password="wrong-password-here")
    log_in(newsroom, "editor")
    with Session(newsroom.app.state.services.engine) as session:
        actions = session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all()
    assert [a for a in actions if a.startswith("login")] == ["login.failed", "login.succeeded"]


def test_login_without_csrf_is_refused(newsroom: TestClient) -> None:
    csrf_of(newsroom, "/admin/login")
    response = newsroom.post("/admin/login", data={"email": STAFF["editor"], "password": PASSWORD})
    assert response.status_code == 403 and "consult_session" not in newsroom.cookies


def test_admin_forms_refuse_a_missing_csrf_token(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    assert newsroom.post("/admin/logout", data={}).status_code == 403
    assert newsroom.get("/admin/queue").status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short-one", False),
        ("password1234", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("orchard lantern velvet", True),
    ],
)
def test_password_rules(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


def test_users_create_from_the_command_line(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = newsroom.app.state.services.settings
    monkeypatch.setenv("CONSULT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CONSULT_VAR_DIR", str(settings.var_dir))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("orchard lantern velvet\n"))
    assert (
        main(
            ["users", "create", "New.Person@example.org", "--role", "columnist", "--password-stdin"]
        )
        == 0
    )
    assert "created columnist new.person@example.org" in capsys.readouterr().out
    with Session(newsroom.app.state.services.engine) as session:
        staff = session.exec(select(Staff).where(Staff.email == "new.person@example.org")).one()
    assert staff.password_hash.startswith("$argon2id$")
    assert log_in(newsroom, "new.person@example.org", "orchard lantern velvet").status_code == 303


def test_old_hashes_are_upgraded_at_login(newsroom: TestClient) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    with Session(newsroom.app.state.services.engine) as session:
        staff = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
        staff.password_hash = weak
        session.add(staff)
        session.commit()
    assert log_in(newsroom, "editor").status_code == 303
    with Session(newsroom.app.state.services.engine) as session:
        upgraded = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
    assert upgraded.password_hash != weak and not hasher.check_needs_rehash(upgraded.password_hash)


def _age_sessions(
    client: TestClient, *, idle: timedelta = timedelta(0), absolute: timedelta = timedelta(0)
) -> None:
    with Session(client.app.state.services.engine) as session:
        for row in session.exec(select(StaffSession)).all():
            row.last_seen_at -= idle
            row.expires_at -= absolute
            session.add(row)
        session.commit()


def test_a_session_idle_for_more_than_30_minutes_ends(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    _age_sessions(newsroom, idle=timedelta(minutes=29))
    assert newsroom.get("/admin/queue").status_code == 200
    _age_sessions(newsroom, idle=timedelta(minutes=31))
    assert newsroom.get("/admin/queue").status_code == 303


def test_pages_arriving_together_on_a_stale_session_write_its_time_once(
    newsroom: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page that comes in while the session's time is over a minute old reads that old
    time; one of them writes the new time, not each of them."""
    log_in(newsroom, "editor")
    _age_sessions(newsroom, idle=timedelta(minutes=2))
    written: list[object] = []
    real_touch = auth._touch

    def slow_touch(engine, session_id, now):  # type: ignore[no-untyped-def]
        written.append(now)
        time.sleep(0.2)  # the others arrive before this write is done
        real_touch(engine, session_id, now)

    monkeypatch.setattr(auth, "_touch", slow_touch)
    with ThreadPoolExecutor(max_workers=6) as pool:
        pages = list(pool.map(lambda _: newsroom.get("/admin/queue"), range(6)))
    assert [page.status_code for page in pages] == [200] * 6
    assert len(written) == 1
    with Session(newsroom.app.state.services.engine) as session:
        seen = session.exec(select(StaffSession)).one().last_seen_at
    assert utcnow() - (seen if seen.tzinfo else seen.replace(tzinfo=UTC)) < timedelta(seconds=30)


def test_a_session_ends_after_12_hours_however_busy(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    with Session(newsroom.app.state.services.engine) as session:
        row = session.exec(select(StaffSession)).one()
        assert row.expires_at - row.created_at == timedelta(hours=12)
    _age_sessions(newsroom, absolute=timedelta(hours=12, seconds=1))
    assert newsroom.get("/admin/queue").status_code == 303


def test_production_session_cookie_is_host_only_and_secure(
    database_url: str, tmp_path: Path
) -> None:
    from app.main import create_app
    from tests.conftest import make_settings
    from tests.editing import make_staff

    settings = make_settings(database_url, tmp_path / "var", env="production")
    with TestClient(
        create_app(settings), base_url="https://testserver", follow_redirects=False
    ) as client:
        make_staff(client)
        page = soup(client.get("/admin/login").text)
        token = page.find("input", attrs={"name": "csrf_token"})["value"]
        response = client.post(
            "/admin/login",
            data={"email": STAFF["editor"], "password": PASSWORD, "csrf_token": token},
        )
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-consult_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie


def test_an_account_switched_off_in_the_database_is_signed_out_at_once(
    newsroom: TestClient,
) -> None:
    """The session is checked against the account on every page, not only at sign-in."""
    log_in(newsroom, "editor")
    assert newsroom.get("/admin/queue").status_code == 200
    with Session(newsroom.app.state.services.engine) as session:
        editor = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
        editor.role = "columnist"
        session.add(editor)
        session.commit()
    assert not soup(newsroom.get("/admin/queue").text).select("input[name=ids]")
    with Session(newsroom.app.state.services.engine) as session:
        editor = session.exec(select(Staff).where(Staff.email == STAFF["editor"])).one()
        editor.active = False
        session.add(editor)
        session.commit()
    response = newsroom.get("/admin/queue")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login")


def test_every_request_gives_its_connections_back(newsroom: TestClient) -> None:
    """Sessions are closed after the response, whatever the page did with them."""
    log_in(newsroom, "editor")
    pool = newsroom.app.state.services.engine.pool
    for path in ("/admin/queue", "/admin/queue?state=all", "/", "/ask", "/admin/staff"):
        newsroom.get(path)
        assert pool.checkedout() == 0, path
    assert newsroom.get("/admin/questions/999999").status_code == 404
    assert pool.checkedout() == 0


def test_a_request_session_closes_while_every_route_thread_waits(database_url: str) -> None:
    """Routes waiting for a connection hold every worker thread; the connection they wait for
    comes back from a request that has finished, so giving it back must not need one."""
    engine = make_engine(database_url)
    site = SimpleNamespace(services=SimpleNamespace(engine=engine))
    request = SimpleNamespace(app=SimpleNamespace(state=site))

    async def scenario() -> int:
        threads = to_thread.current_default_thread_limiter()
        threads.total_tokens = 1
        await threads.acquire()  # the one route thread is busy
        try:
            sessions = get_session(request)  # type: ignore[arg-type]
            session = await anext(sessions)
            await to_thread.run_sync(session.connection, limiter=CapacityLimiter(1))
            assert engine.pool.checkedout() == 1
            with fail_after(5), contextlib.suppress(StopAsyncIteration):
                await anext(sessions)
            return engine.pool.checkedout()
        finally:
            threads.release()

    with ThreadPoolExecutor(max_workers=1) as pool:
        still_out = pool.submit(anyio.run, scenario).result()
    engine.dispose()
    assert still_out == 0
