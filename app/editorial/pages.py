"""Rendering admin pages: private, never cached, with the CSRF token and the signed-in user."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from app import csrf
from app.editorial.auth import has_role
from app.models import Role
from app.templating import templates

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def render_admin(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """An admin page; every form on it gets this browser's CSRF token."""
    staff = getattr(request.state, "staff", None)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "staff": staff,
            "csrf_token": csrf.csrf_token(request),
            "is_editor": bool(staff and has_role(staff, Role.editor)),
            "is_admin": bool(staff and has_role(staff, Role.admin)),
            "flash": request.query_params.get("done", ""),
            **context,
        },
        status_code=status_code,
        headers={**PRIVATE, **(headers or {})},
    )
    csrf.set_csrf_cookie(request, response)
    return response


def render_fragment(template: str, **context: Any) -> Markup:
    """A piece of a page rendered on its own (escaped as any page is), to be kept and reused."""
    return Markup(templates.get_template(template).render(**context))  # noqa: S704  # nosec B704


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token and origin have been checked (403 otherwise)."""
    form = await request.form()
    if not csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)):
        raise HTTPException(403, "The form expired. Go back, reload the page and try again.")
    return form
