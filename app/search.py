"""Full-text search of published articles: SQLite FTS5 (bm25) or PostgreSQL tsvector, one API."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from app.models import Article, Question

MAX_QUERY_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Private-use markers survive escaping and are swapped for <mark> afterwards.
_OPEN, _CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    snippet_html: str


def html_text(fragment: str) -> str:
    """The words of HTML the renderer stored at save: cheaper than parsing the Markdown again,
    and words either side of a line break stay apart."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def query_terms(query: str) -> list[str]:
    """The words of a visitor's query; punctuation and operators are ignored."""
    return _WORD.findall(query.lower())[:MAX_QUERY_TERMS]


def index_article(session: Session, article: Article) -> None:
    """Put a published article in the index (or take it out when it is not published)."""
    assert article.id is not None
    remove_from_index(session, article.id)
    if article.status != "published":
        return
    params = {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "letter": html_text(article.letter_html),
        "answer": html_text(article.answer_html),
    }
    if _is_sqlite(session):
        session.execute(
            text(
                "INSERT INTO article_search (rowid, title, summary, letter, answer) "
                "VALUES (:id, :title, :summary, :letter, :answer)"
            ),
            params,
        )
    else:
        session.execute(
            text(
                "INSERT INTO article_search (article_id, title, summary, letter, answer, document) "
                "VALUES (:id, :title, :summary, :letter, :answer, "
                "setweight(to_tsvector('english', :title), 'A') || "
                "setweight(to_tsvector('english', :summary), 'B') || "
                "setweight(to_tsvector('english', :answer), 'C') || "
                "setweight(to_tsvector('english', :letter), 'D'))"
            ),
            params,
        )


def remove_from_index(session: Session, article_id: int) -> None:
    """Take an article out of the index."""
    session.execute(text(_DELETE["article"][_dialect(session)]), {"id": article_id})


def search_articles(
    session: Session, query: str, *, limit: int = 20, offset: int = 0
) -> list[SearchHit]:
    """Published articles matching every word of the query, best first, with a marked snippet.

    Ranking reads only the index; snippets, which read the text, are made for the page's
    articles alone (asking for both at once made one for every match).
    """
    terms = query_terms(query)
    if not terms:
        return []
    if _is_sqlite(session):
        # Each word quoted as a string: FTS5 operators in the query are never interpreted.
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        ids = _ids(
            session,
            "SELECT rowid FROM article_search WHERE article_search MATCH :match "
            "ORDER BY bm25(article_search, 10.0, 5.0, 1.0, 2.0) LIMIT :limit OFFSET :offset",
            {"match": match, "limit": limit, "offset": offset},
        )
        snippets = (
            "SELECT rowid, snippet(article_search, -1, :o, :c, ' … ', 24) FROM article_search "
            "WHERE article_search MATCH :match AND rowid IN :ids"
        )
        params: dict[str, object] = {"o": _OPEN, "c": _CLOSE, "match": match}
    else:
        ids = _ids(
            session,
            "SELECT article_id FROM article_search, plainto_tsquery('english', :q) AS q "
            "WHERE document @@ q ORDER BY ts_rank_cd(document, q) DESC, article_id DESC "
            "LIMIT :limit OFFSET :offset",
            {"q": " ".join(terms), "limit": limit, "offset": offset},
        )
        snippets = (
            "SELECT article_id, ts_headline('english', summary || ' ' || answer || ' ' || letter,"
            " plainto_tsquery('english', :q), :options) FROM article_search "
            "WHERE article_id IN :ids"
        )
        params = {
            "q": " ".join(terms),
            "options": f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=30, MinWords=12, "
            'MaxFragments=2, FragmentDelimiter=" … "',
        }
    if not ids:
        return []
    statement = text(snippets).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(statement, {**params, "ids": ids}).all()
    marked = {int(row[0]): str(row[1]) for row in rows}
    return [SearchHit(article_id=i, snippet_html=_mark(marked.get(i, ""))) for i in ids]


def _ids(session: Session, sql: str, params: dict[str, object]) -> list[int]:
    return [int(row[0]) for row in session.execute(text(sql), params).all()]


def _mark(snippet: str) -> str:
    escaped = html.escape(snippet.replace("\x00", ""))
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


_DELETE = {
    "article": {
        "sqlite": "DELETE FROM article_search WHERE rowid = :id",
        "postgresql": "DELETE FROM article_search WHERE article_id = :id",
    },
    "question": {
        "sqlite": "DELETE FROM question_search WHERE rowid = :id",
        "postgresql": "DELETE FROM question_search WHERE question_id = :id",
    },
}


def _dialect(session: Session) -> str:
    return "sqlite" if _is_sqlite(session) else "postgresql"


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_question(session: Session, question: Question, *, new: bool = False) -> None:
    """Keep a letter's text in the editors' search index (or drop it once erased); a `new`
    letter cannot be there yet."""
    if not new:
        session.execute(text(_DELETE["question"][_dialect(session)]), {"id": question.id})
    if not question.letter:
        return
    if _is_sqlite(session):
        statement = "INSERT INTO question_search (rowid, letter) VALUES (:id, :letter)"
    else:
        statement = (
            "INSERT INTO question_search (question_id, letter, document) "
            "VALUES (:id, :letter, to_tsvector('english', :letter))"
        )
    session.execute(text(statement), {"id": question.id, "letter": question.letter})


def unindex_questions(session: Session, ids: list[int]) -> None:
    """Drop erased letters from the editors' search index."""
    for question_id in ids:
        session.execute(text(_DELETE["question"][_dialect(session)]), {"id": question_id})


def distinctive_terms(letter: str, limit: int = 10) -> list[str]:
    """The longest uncommon words of a letter: a fingerprint for finding similar ones."""
    words = {w for w in _WORD.findall(letter.lower()) if len(w) > 4 and not w.isdigit()}
    common = {
        "client",
        "clients",
        "therapist",
        "therapy",
        "session",
        "sessions",
        "ethics",
        "consult",
        "would",
        "about",
        "there",
        "their",
        "which",
        "because",
        "should",
    }
    return sorted(words - common, key=lambda w: (-len(w), w))[:limit]


def similar_letters(session: Session, letter: str, *, exclude_id: int, limit: int = 5) -> list[int]:
    """Ids of letters sharing the most distinctive words with this one, best first."""
    terms = distinctive_terms(letter)
    if not terms:
        return []
    if _is_sqlite(session):
        match = " OR ".join('"' + t + '"' for t in terms)
        sql = (
            "SELECT rowid FROM question_search WHERE question_search MATCH :m AND rowid != :x "
            "ORDER BY bm25(question_search) LIMIT :n"
        )
    else:
        match = " | ".join(terms)
        sql = (
            "SELECT question_id FROM question_search, to_tsquery('english', :m) q "
            "WHERE document @@ q AND question_id != :x "
            "ORDER BY ts_rank_cd(document, q) DESC LIMIT :n"
        )
    rows = session.execute(text(sql), {"m": match, "x": exclude_id, "n": limit}).all()
    return [int(row[0]) for row in rows]


def similar_articles(session: Session, letter: str, *, limit: int = 5) -> list[int]:
    """Ids of published articles close to this letter, best first."""
    terms = distinctive_terms(letter)
    if not terms:
        return []
    if _is_sqlite(session):
        match = " OR ".join('"' + t + '"' for t in terms)
        sql = (
            "SELECT rowid FROM article_search WHERE article_search MATCH :m "
            "ORDER BY bm25(article_search) LIMIT :n"
        )
    else:
        match = " | ".join(terms)
        sql = (
            "SELECT article_id FROM article_search, to_tsquery('english', :m) q "
            "WHERE document @@ q ORDER BY ts_rank_cd(document, q) DESC LIMIT :n"
        )
    return [int(row[0]) for row in session.execute(text(sql), {"m": match, "n": limit}).all()]
