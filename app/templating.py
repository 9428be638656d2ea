"""The one Jinja2 environment of the site, with its filters and globals."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from app import csrf
from app.config import project_dir
from app.deps import services
from app.urls import column_path, column_url

TEMPLATES_DIR = project_dir() / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
# Pages for one person (a form with what they typed, a status page, anything signed in): no
# browser history, proxy or search engine keeps them.
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _site_context(request: Request) -> dict[str, Any]:
    settings = services(request).settings
    return {
        "settings": settings,
        "site_name": settings.site_name,
        "base_url": settings.base_url,
        "tz": settings.tz,
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
    }


def local_date(moment: datetime | None, tz: ZoneInfo, fmt: str = "%-d %B %Y") -> str:
    """A date in the site's time zone, written for people ("14 March 2026")."""
    return moment.astimezone(tz).strftime(fmt) if moment else ""


def iso_datetime(moment: datetime | None) -> str:
    """An ISO 8601 timestamp with its offset (for <time>, feeds and JSON-LD)."""
    return moment.isoformat(timespec="seconds") if moment else ""


def json_script(data: Any) -> Markup:
    """JSON safe to put inside a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704  # nosec B704 - <, > and & are escaped above


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_site_context])
templates.env.filters["local_date"] = local_date
templates.env.filters["iso_datetime"] = iso_datetime
templates.env.filters["json_script"] = json_script
templates.env.globals["static_version"] = _static_version()
templates.env.globals["column_path"] = column_path
templates.env.globals["column_url"] = column_url


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    private: bool = True,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page of the site, with this browser's CSRF token for its forms. Private pages (the
    default) are kept by nobody; public ones set their own caching headers."""
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf_token": csrf.csrf_token(request), **context},
        status_code=status_code,
        headers={**(PRIVATE if private else {}), **(headers or {})},
    )
    csrf.set_csrf_cookie(request, response)
    return response
