"""Helpers for sending letters the way a browser does."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.helpers import soup

LETTER = (
    "Dear Ethics Consult,\n\nA client of mine keeps asking to meet for coffee after our "
    "sessions. I have said no twice, kindly, and she looked hurt both times.\n\n"
    "How do I hold this line without making her feel rejected again?"
)


def form_fields(client: TestClient) -> dict[str, str]:
    """The hidden fields of a freshly rendered /ask form."""
    doc = soup(client.get("/ask").text)
    return {
        i["name"]: i.get("value", "") for i in doc.select("form.letter-form input[type=hidden]")
    }


def letter_data(**overrides: str | None) -> dict[str, str]:
    data = {
        "question": LETTER,
        "signoff": "Coffee Refused",
        "email": "",
        "topic_hint": "",
        "consent": "on",
        "website": "",
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    return {k: v for k, v in data.items() if v is not None}


def send_letter(
    client: TestClient, hidden: dict[str, str] | None = None, **overrides: str | None
) -> Response:
    """Post the form as a browser would (hidden fields from a fresh render unless given)."""
    fields = {**(hidden if hidden is not None else form_fields(client)), **letter_data(**overrides)}
    for name, value in overrides.items():
        if value is None:
            fields.pop(name, None)
    return client.post("/ask", data=fields)
