"""The admin shell around every page: the sections, which one is open, and the queue's counts."""

from __future__ import annotations

from typing import Any

from fastapi import Request


def shell_context(request: Request) -> dict[str, Any]:
    """What the admin's navigation needs to draw itself for this request."""
    return {"section": request.url.path.removeprefix("/admin/").split("/", 1)[0]}
