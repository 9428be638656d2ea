"""CSRF protection for every form: a signed double-submit cookie plus an Origin check."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, Response
from starlette.datastructures import FormData

from app.deps import PostedForm, services

TOKEN_FIELD = "csrf_token"  # nosec B105 - the name of a form field, not a secret


def cookie_name(request: Request) -> str:
    return "__Host-consult_csrf" if services(request).settings.is_production else "consult_csrf"


def _sign(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token for this browser's forms; creates the cookie value on first use."""
    value = request.cookies.get(cookie_name(request)) or getattr(request.state, "new_csrf", None)
    if not value or len(value) < 32:
        value = secrets.token_urlsafe(32)
        request.state.new_csrf = value
    return _sign(services(request).secret_key, value)


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the cookie if this request created a new one."""
    value = getattr(request.state, "new_csrf", None)
    if value:
        response.set_cookie(
            cookie_name(request),
            value,
            httponly=True,
            samesite="lax",
            path="/",
            secure=services(request).settings.is_production,
            max_age=60 * 60 * 24 * 30,
        )


def origin_allowed(request: Request) -> bool:
    """False when the browser says the form came from another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin != "null"
    allowed = {
        urlsplit(services(request).settings.base_url).netloc,
        request.headers.get("host", ""),
    }
    return urlsplit(origin).netloc in allowed


def csrf_valid(request: Request, submitted: object) -> bool:
    """True when the submitted token matches this browser's cookie and the origin is ours."""
    value = request.cookies.get(cookie_name(request))
    # Pages sent with no-referrer make browsers post with "Origin: null"; the token decides then.
    origin_ok = origin_allowed(request) or request.headers.get("origin") == "null"
    if not isinstance(submitted, str) or not value or not origin_ok:
        return False
    return hmac.compare_digest(submitted, _sign(services(request).secret_key, value))


async def checked_form(request: Request, form: PostedForm) -> FormData:
    """The posted form, once its CSRF token and origin are checked (403 otherwise); its
    uploads are closed when the route is done with them (see `PostedForm`)."""
    if not csrf_valid(request, form.get(TOKEN_FIELD)):
        raise HTTPException(403, "The form expired. Go back, reload the page and try again.")
    return form


# The form of every staff and reader POST whose refusal is a plain 403 page.
CheckedForm = Annotated[FormData, Depends(checked_form)]
