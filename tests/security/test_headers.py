"""The security headers on every kind of page."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from tests.asking import send_letter
from tests.conftest import make_settings
from tests.editing import log_in
from tests.helpers import soup

CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self' 'nonce-",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def test_every_page_sends_a_strict_policy(newsroom: TestClient) -> None:
    status = send_letter(newsroom).headers["location"]
    pages = [
        "/",
        "/topics",
        "/search?q=x",
        "/ask",
        status,
        "/admin/login",
        "/feed.xml",
        "/api/v1/columns",
        "/no-such-page",
    ]
    nonces = set()
    for path in pages:
        headers = newsroom.get(path).headers
        csp = headers["content-security-policy"]
        assert all(part in csp for part in CSP_PARTS), path
        nonces.add(csp.split("'nonce-")[1].split("'")[0])
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
    assert len(nonces) == len(pages)  # a fresh nonce for every response


def test_private_pages_are_never_stored(newsroom: TestClient) -> None:
    status = send_letter(newsroom).headers["location"]
    for path in ("/ask", status, "/admin/login"):
        assert newsroom.get(path).headers["cache-control"] == "no-store", path
    assert newsroom.get(status).headers["referrer-policy"] == "no-referrer"
    log_in(newsroom, "editor")
    for path in ("/admin/queue", "/admin/questions/1", "/admin/audit"):
        assert newsroom.get(path).headers["cache-control"] == "no-store", path
    assert newsroom.get("/").headers["referrer-policy"] == "same-origin"


def test_production_adds_hsts_secure_cookies_and_hides_the_docs(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(database_url, tmp_path / "var", env="production")
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = client.get("/")
        assert "max-age=31536000" in response.headers["strict-transport-security"]
        assert client.get("/docs").status_code == 404
        ask = client.get("/ask")
        cookie = ask.headers["set-cookie"]
        assert cookie.startswith("__Host-") and "Secure" in cookie and "HttpOnly" in cookie


def test_no_page_loads_anything_from_another_host(newsroom: TestClient) -> None:
    log_in(newsroom, "editor")
    for path in ("/", "/ask", "/admin/queue", "/topics"):
        doc = soup(newsroom.get(path).text)
        for element in doc.find_all(["script", "img", "iframe", "link"]):
            url = element.get("src") or element.get("href") or ""
            if element.name == "link" and "canonical" in element.get("rel", []):
                continue
            assert url.startswith("/") or url == "", (path, url)
