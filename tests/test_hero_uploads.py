"""A hero image uploaded once stays with the form (preview, a refused publish, a correction, an
aid button, a stale save) until it is replaced or removed, and a forged kept name is ignored."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from PIL import Image
from sqlmodel import Session

from app.main import create_app
from app.models import Article
from tests.conftest import make_settings
from tests.editing import csrf_of, form_values, log_in, make_staff
from tests.helpers import soup
from tests.topic_setup import make_topics

COLUMN = {
    "title": "The gift at the last session",
    "summary": "What to do with a present when the work ends.",
    "topics": "Boundaries",
    "letter": "Dear Ethics Consult,\n\nMy client brought a gift to our last session.",
    "answer": "Thank them, and keep the frame you built together.",
    "signoff": "Unwrapped",
    "byline": "Theo Marsh",
}
NO_FILE = {"hero": ("", b"", "application/octet-stream")}  # a file input left empty


@pytest.fixture
def desk(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(database_url, tmp_path / "var")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        make_staff(client)
        make_topics(client, "Boundaries")
        log_in(client, "editor")
        yield client


def png(colour: tuple[int, int, int] = (200, 120, 60)) -> dict[str, tuple[str, bytes, str]]:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(out, format="PNG")
    return {"hero": ("hero.png", out.getvalue(), "image/png")}


def _new_column(client: TestClient) -> int:
    token = csrf_of(client, "/admin/columns/new")
    made = client.post(
        "/admin/columns/new", data={**COLUMN, "csrf_token": token, "action": "save"}, files=NO_FILE
    )
    assert made.status_code == 303
    return int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])


def _values(page: str) -> dict[str, str]:
    return form_values(soup(page).select_one("form.answer-form"))


def _post(client: TestClient, column: int, values: dict[str, str], files: object) -> Response:
    return client.post(f"/admin/columns/{column}", data=values, files=files)  # type: ignore[arg-type]


def _kept(page: str) -> str:
    return str(soup(page).find("input", attrs={"name": "hero_kept"})["value"])


def _stored_hero(client: TestClient, column: int) -> str:
    with Session(client.app.state.services.engine) as session:
        article = session.get(Article, column)
        assert article is not None
        return article.hero_path or ""


def _upload(client: TestClient, column: int, **changes: str) -> tuple[Response, str]:
    """Send the form with a new image and these changes; (the response, the image's name)."""
    page = client.get(f"/admin/columns/{column}").text
    answered = _post(
        client, column, {**_values(page), "hero_alt": "An orange card", **changes}, png()
    )
    name = _stored_hero(client, column) if answered.status_code == 303 else _kept(answered.text)
    assert name and name.endswith(".webp")
    assert (client.app.state.services.settings.media_dir / name).is_file()
    return answered, name


def _save_from(client: TestClient, column: int, page: str, **changes: str) -> Response:
    return _post(client, column, {**_values(page), **changes, "action": "save"}, NO_FILE)


def test_an_image_survives_a_preview_and_is_saved_without_sending_it_again(
    desk: TestClient,
) -> None:
    column = _new_column(desk)
    previewed, name = _upload(desk, column, action="preview")
    assert previewed.status_code == 200
    assert soup(previewed.text).select_one(f'img.hero-thumb[src="/media/{name}"]') is not None
    assert _stored_hero(desk, column) == ""  # a preview saves nothing
    assert _save_from(desk, column, previewed.text).status_code == 303
    assert _stored_hero(desk, column) == name


def test_an_image_survives_a_refused_publish_and_goes_out_with_the_next(desk: TestClient) -> None:
    column = _new_column(desk)
    refused, name = _upload(desk, column, action="publish")  # no review ticked
    assert refused.status_code == 422
    values = {**_values(refused.text), "action": "publish", "anonymisation_reviewed": "1"}
    assert _post(desk, column, values, NO_FILE).status_code == 303
    slug = "the-gift-at-the-last-session"
    public = soup(desk.get(f"/columns/{slug}").text)
    assert public.select_one(f'figure img[src="/media/{name}"]')["alt"] == "An orange card"


def test_an_image_survives_a_field_that_needs_correcting(desk: TestClient) -> None:
    column = _new_column(desk)
    wrong, name = _upload(desk, column, action="save", title="T" * 201)
    assert wrong.status_code == 422
    assert soup(wrong.text).select_one(".field--error #title") is not None
    assert _save_from(desk, column, wrong.text, title="A shorter title").status_code == 303
    assert _stored_hero(desk, column) == name


def test_an_image_survives_an_aid_button(desk: TestClient) -> None:
    column = _new_column(desk)
    press = json.dumps({"op": "dismiss", "text": "Unwrapped"})
    pressed, name = _upload(desk, column, aid=press)
    assert pressed.status_code == 200
    assert _save_from(desk, column, pressed.text).status_code == 303
    assert _stored_hero(desk, column) == name


def test_an_image_survives_a_save_refused_as_stale(desk: TestClient) -> None:
    column = _new_column(desk)
    opened = desk.get(f"/admin/columns/{column}").text
    assert _save_from(desk, column, opened, summary="Someone else's summary.").status_code == 303
    stale = _post(desk, column, {**_values(opened), "hero_alt": "An orange card"}, png())
    assert stale.status_code == 409
    name = _kept(stale.text)
    assert name and (desk.app.state.services.settings.media_dir / name).is_file()
    assert _stored_hero(desk, column) == ""
    assert _save_from(desk, column, stale.text).status_code == 303  # the newer version
    assert _stored_hero(desk, column) == name


def test_remove_image_takes_it_off_the_form_and_saving_off_the_column(desk: TestClient) -> None:
    column = _new_column(desk)
    saved, name = _upload(desk, column, action="save")
    assert saved.status_code == 303 and _stored_hero(desk, column) == name
    page = desk.get(f"/admin/columns/{column}").text
    button = soup(page).find("button", attrs={"name": "remove_hero"})
    assert button is not None and button.get_text(strip=True) == "Remove image"
    removed = _post(desk, column, {**_values(page), "remove_hero": "1"}, NO_FILE)
    assert removed.status_code == 200 and _kept(removed.text) == ""
    assert soup(removed.text).select_one("img.hero-thumb") is None
    assert _stored_hero(desk, column) == name  # only the form has changed so far
    assert _save_from(desk, column, removed.text).status_code == 303
    assert _stored_hero(desk, column) == ""


def test_a_new_image_replaces_the_kept_one(desk: TestClient) -> None:
    column = _new_column(desk)
    first, name = _upload(desk, column, action="preview")
    values = {**_values(first.text), "action": "save"}
    assert _post(desk, column, values, png((10, 90, 200))).status_code == 303
    assert _stored_hero(desk, column) not in ("", name)


@pytest.mark.parametrize(
    "forged",
    ["../../../etc/passwd", "0123456789abcdef0123.webp", "hero.webp\x00.png", "x" * 5000],
)
def test_a_forged_kept_image_is_ignored(desk: TestClient, forged: str) -> None:
    column = _new_column(desk)
    saved, name = _upload(desk, column, action="save")
    assert saved.status_code == 303
    page = desk.get(f"/admin/columns/{column}").text
    answered = _post(
        desk, column, {**_values(page), "hero_kept": forged, "action": "save"}, NO_FILE
    )
    assert answered.status_code == 303
    assert _stored_hero(desk, column) == name  # the column keeps the image it had
