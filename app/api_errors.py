"""The JSON error shape every API endpoint uses, documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ApiError(BaseModel):
    """What went wrong, and (for invalid input) a message per field."""

    detail: str
    errors: dict[str, str] | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error codes."""
    words = {
        400: "Bad request",
        403: "Refused",
        404: "Not found",
        422: "Invalid input",
        429: "Too many requests (see Retry-After)",
        503: "Busy; try again (see Retry-After)",
    }
    return {code: {"model": ApiError, "description": words[code]} for code in codes}
