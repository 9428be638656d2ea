"""A column's fields are described once: the form, the models, revisions and the review's
fingerprint all follow that description."""

from __future__ import annotations

from dataclasses import replace

from starlette.datastructures import FormData

from app.column_fields import FIELDS, PUBLIC_FIELDS, STORED_FIELDS, ArticleFields
from app.editorial import guard
from app.editorial.forms import read_article_form, read_topics
from app.models import Article, ArticleRevision
from app.urls import column_path, column_url

CONTRACT = {"title", "slug", "summary", "letter", "signoff", "answer", "byline", "topics"}
CONTRACT |= {"hero", "hero_alt", "callout"}


def test_the_form_names_are_the_contracts() -> None:
    assert {spec.form for spec in FIELDS if spec.form} == CONTRACT


def test_every_stored_field_is_a_column_of_the_article_and_of_its_revisions() -> None:
    for name in STORED_FIELDS:
        assert name in Article.model_fields, name
        assert name in ArticleRevision.model_fields, name


def test_changing_any_public_field_changes_the_fingerprint() -> None:
    base = ArticleFields("T", "t", "letter", "answer", hero_path="a.webp", callout_resource_id=3)
    for name in PUBLIC_FIELDS:
        value = getattr(base, name)
        changed = 4 if isinstance(value, int) else f"{value or ''}x"
        assert guard.fingerprint(replace(base, **{name: changed})) != guard.fingerprint(base)


def test_topics_come_as_one_comma_separated_value_or_one_value_each() -> None:
    form = FormData([("topics", "Safety, Apologies"), ("topics", "Endings"), ("topics", "Safety")])
    assert read_topics(form) == ["Safety", "Apologies", "Endings"]


def test_limits_come_from_the_description() -> None:
    from zoneinfo import ZoneInfo

    posted = read_article_form(
        FormData([("title", "x" * 201), ("summary", "ok"), ("version", "²")]),
        tz=ZoneInfo("UTC"),
        current_hero=(None, None, None),
    )
    assert set(posted.errors) == {"title"} and posted.version == 0


def test_a_columns_address_is_built_in_one_place() -> None:
    assert column_path("the-hand-knitted-scarf") == "/columns/the-hand-knitted-scarf"
    assert column_url("https://example.org/", "a b") == "https://example.org/columns/a%20b"
