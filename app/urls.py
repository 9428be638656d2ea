"""Where things live on the public site: a column's address is built here and nowhere else."""

from __future__ import annotations

from urllib.parse import quote


def column_path(slug: str) -> str:
    """The path of a column's public page."""
    return f"/columns/{quote(slug, safe='')}"


def column_url(base_url: str, slug: str) -> str:
    """The absolute address of a column's public page, on the site at `base_url`."""
    return base_url.rstrip("/") + column_path(slug)
