"""Which articles each file of a split sitemap lists, read by id range without article bodies.

Article file n holds the published articles with ids from (n - 1) * size + 1 to n * size: a
primary-key range, so a file's contents stay put as the archive grows and one edit changes one
file. Drafts leave gaps, so a file may hold fewer than `size` articles, or none (then it is not
listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Article
from app.publishing.service import SitemapEntry

LARGEST_ID = 2**63 - 1


@dataclass(frozen=True)
class SitemapFile:
    number: int
    lastmod: datetime


def count_published(*, session: Session) -> int:
    """How many articles are public (counted on the status index)."""
    public = col(Article.status) == "published"
    return int(session.exec(select(func.count()).select_from(Article).where(public)).one())


def article_files(*, session: Session, size: int) -> list[SitemapFile]:
    """The article files that list something, with each one's newest change."""
    bucket = ((col(Article.id) - 1) // size + 1).label("bucket")
    rows = select(bucket, col(Article.updated_at)).where(col(Article.status) == "published")
    numbered = rows.subquery()
    # Grouped on the subquery's column: PostgreSQL cannot match `id - $1` to `id - $2`.
    grouped = (
        select(numbered.c.bucket, func.max(numbered.c.updated_at))
        .group_by(numbered.c.bucket)
        .order_by(numbered.c.bucket)
    )
    return [SitemapFile(int(n), lastmod) for n, lastmod in session.exec(grouped).all()]


def article_file_entries(*, session: Session, number: int, size: int) -> list[SitemapEntry]:
    """The published articles of article file `number`, by id."""
    first = (number - 1) * size + 1
    if number < 1 or first > LARGEST_ID:
        return []
    # `status || ''`: walk the primary key over the range, not the status index over everything.
    public = (col(Article.status) + "") == "published"
    last = min(first + size - 1, LARGEST_ID)
    rows = session.exec(
        select(Article.slug, Article.updated_at)
        .where(col(Article.id).between(first, last), public)
        .order_by(col(Article.id))
    ).all()
    return [SitemapEntry(slug, updated) for slug, updated in rows]
