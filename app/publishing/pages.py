"""Static pages (about, write for us, privacy) from content/pages/, rendered once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from app.deps import part
from app.frontmatter import ContentError, split_front_matter
from app.markdown import render_markdown


@dataclass(frozen=True)
class StaticPage:
    slug: str
    title: str
    summary: str
    html: str


def load_pages(content_dir: Path) -> dict[str, StaticPage]:
    """Every page file by slug (the file name without .md)."""
    pages: dict[str, StaticPage] = {}
    for path in sorted((content_dir / "pages").glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        title = str(meta.get("title", "")).strip()
        if not title:
            raise ContentError(f"{path}: field 'title' is required")
        pages[path.stem] = StaticPage(
            slug=path.stem,
            title=title,
            summary=str(meta.get("summary", "")).strip(),
            html=render_markdown(body),
        )
    return pages


def load_crisis_notice(content_dir: Path) -> StaticPage | None:
    """The crisis resources shown to a writer whose letter suggests danger."""
    path = content_dir / "crisis.md"
    if not path.exists():
        return None
    meta, body = split_front_matter(path.read_text(encoding="utf-8"))
    return StaticPage("crisis", str(meta.get("title", "")), "", render_markdown(body))


@dataclass(frozen=True)
class SiteTexts:
    """The static pages, by slug, and the crisis notice: read from `content/` at start-up."""

    pages: dict[str, StaticPage]
    crisis: StaticPage | None

    @classmethod
    def load(cls, content_dir: Path) -> SiteTexts:
        return cls(load_pages(content_dir), load_crisis_notice(content_dir))


Texts = Annotated[SiteTexts, part(SiteTexts)]
