"""The public content version is kept by the session layer: whatever writes a change that a
public page shows bumps it in the same transaction, and nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine, read_content_version, session_scope
from app.editorial import guard
from app.editorial.articles import fields_of, set_topics
from app.editorial.workflow import publish_due
from app.models import Article, ArticleStatus, ArticleTopic, SlugRedirect, Topic, utcnow


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url)
    yield made
    made.dispose()


def _article(engine: Engine, slug: str, status: str) -> int:
    with session_scope(engine) as session:
        article = Article(title=slug.title(), slug=slug, status=status, published_at=utcnow())
        session.add(article)
        session.flush()
        return article.id or 0


def _changes(engine: Engine, change: object) -> int:
    """How far the version moved while `change(session)` ran and committed."""
    before = read_content_version(engine)
    with session_scope(engine) as session:
        change(session)  # type: ignore[operator]
    return read_content_version(engine) - before


def test_a_published_column_bumps_the_version_once_per_transaction(engine: Engine) -> None:
    before = read_content_version(engine)
    _article(engine, "live", ArticleStatus.published)
    assert read_content_version(engine) == before + 1
    article_id = _article(engine, "other", ArticleStatus.published)

    def two_edits(session: Session) -> None:
        article = session.get(Article, article_id)
        assert article is not None
        article.title = "First"
        session.flush()
        article.summary = "Second"
        session.flush()

    assert _changes(engine, two_edits) == 1


def test_a_draft_and_bookkeeping_do_not_make_pages_stale(engine: Engine) -> None:
    draft_id = _article(engine, "draft", ArticleStatus.draft)
    live_id = _article(engine, "live", ArticleStatus.published)

    def edit_draft(session: Session) -> None:
        draft = session.get(Article, draft_id)
        assert draft is not None
        draft.title = "Still a draft"

    def bookkeeping(session: Session) -> None:
        live = session.get(Article, live_id)
        assert live is not None
        live.unreviewed_findings = 3
        live.draft_revision_id = 7

    assert _changes(engine, edit_draft) == 0
    assert _changes(engine, bookkeeping) == 0


def test_unpublishing_and_deleting_a_live_column_bump_it(engine: Engine) -> None:
    live_id = _article(engine, "live", ArticleStatus.published)
    gone_id = _article(engine, "gone", ArticleStatus.published)

    def unpublish(session: Session) -> None:
        live = session.get(Article, live_id)
        assert live is not None
        live.status = ArticleStatus.unpublished

    def remove(session: Session) -> None:
        session.delete(session.get(Article, gone_id))

    assert _changes(engine, unpublish) == 1
    assert _changes(engine, remove) == 1


def test_topics_and_redirects_bump_it(engine: Engine) -> None:
    live_id = _article(engine, "live", ArticleStatus.published)

    def add_topic(session: Session) -> None:
        topic = Topic(name="Safety", slug="safety")
        session.add(topic)
        session.flush()
        session.add(ArticleTopic(article_id=live_id, topic_id=topic.id))

    def redirect(session: Session) -> None:
        session.add(SlugRedirect(kind="article", old_slug="old", new_slug="live"))

    def untag(session: Session) -> None:
        live = session.get(Article, live_id)
        assert live is not None
        set_topics(session=session, article=live, names=[])

    assert _changes(engine, add_topic) == 1
    assert _changes(engine, redirect) == 1
    assert _changes(engine, untag) == 1


def test_a_drafts_topics_do_not_make_pages_stale(engine: Engine) -> None:
    """Saving a draft rewrites its topics; no public page shows them, so none goes stale."""
    draft_id = _article(engine, "draft", ArticleStatus.draft)
    with session_scope(engine) as session:
        session.add(Topic(name="Fees", slug="fees"))

    def retag(names: list[str]) -> object:
        def change(session: Session) -> None:
            draft = session.get(Article, draft_id)
            assert draft is not None
            set_topics(session=session, article=draft, names=names)

        return change

    assert _changes(engine, retag(["Fees"])) == 0
    assert _changes(engine, retag([])) == 0


def test_a_change_after_a_rolled_back_savepoint_still_bumps(engine: Engine) -> None:
    live_id = _article(engine, "live", ArticleStatus.published)

    def savepoint_then_change(session: Session) -> None:
        live = session.get(Article, live_id)
        assert live is not None
        try:
            with session.begin_nested():
                live.title = "Given up"
                session.flush()
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        session.refresh(live)
        live.summary = "Kept"

    assert _changes(engine, savepoint_then_change) == 1


def test_a_rolled_back_change_leaves_the_version(engine: Engine) -> None:
    live_id = _article(engine, "live", ArticleStatus.published)
    before = read_content_version(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        live = session.get(Article, live_id)
        assert live is not None
        live.title = "Never"
        session.flush()
        raise RuntimeError("refused")
    assert read_content_version(engine) == before


def test_the_scheduler_publishing_a_column_bumps_it(engine: Engine, settings: Settings) -> None:
    """The scheduler claims a column with one conditional UPDATE, past the unit of work."""
    due = utcnow() - timedelta(minutes=1)
    with session_scope(engine) as session:
        article = Article(title="Due", slug="due", status=ArticleStatus.scheduled, publish_at=due)
        session.add(article)
        session.flush()
        article.reviewed_fingerprint = guard.fingerprint(
            fields_of(session=session, article=article)
        )
    before = read_content_version(engine)
    with session_scope(engine) as session:
        assert publish_due(session=session, settings=settings, now=utcnow()) != []
    assert read_content_version(engine) == before + 1
