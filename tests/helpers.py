"""Small helpers for tests: parsing HTML and writing content files."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from PIL import Image


def soup(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def write_column(
    directory: Path,
    slug: str,
    *,
    title: str = "A column for the tests",
    topics: tuple[str, ...] = ("Safety",),
    date: str = "2026-01-15",
    letter: str = "Dear Ethics Consult,\n\nMy client stays after the hour ends.",
    answer: str = "Name the pattern kindly and hold the boundary.",
    hero: bool = True,
    extra: str = "",
) -> Path:
    """Write a valid column file (and its hero image) under directory/columns."""
    columns = directory / "columns"
    (columns / "images").mkdir(parents=True, exist_ok=True)
    hero_lines = ""
    if hero:
        Image.new("RGB", (120, 63), (90, 130, 140)).save(columns / "images" / f"{slug}.webp")
        hero_lines = f"hero: images/{slug}.webp\nhero_alt: A blue-grey rectangle\n"
    topic_list = ", ".join(topics)
    path = columns / f"{slug}.md"
    path.write_text(
        f"---\ntitle: {title}\nslug: {slug}\ndate: {date}\ntopics: [{topic_list}]\n"
        f"signoff: Tired at Ten\nbyline: Test Columnist\nsummary: A summary for {slug}.\n"
        f"{hero_lines}{extra}---\n{letter}\n---answer---\n{answer}\n",
        encoding="utf-8",
    )
    return path
