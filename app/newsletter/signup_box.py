"""The sign-up box on public pages, which may be cached: its token is the hourly public one."""

from __future__ import annotations

from fastapi import Request

from app.deps import services
from app.models import utcnow
from app.newsletter import tokens


def newsletter_form_token(request: Request) -> str:
    """The hourly public token for the sign-up box on cached public pages."""
    return tokens.public_form_token(services(request).secret_key, utcnow())
