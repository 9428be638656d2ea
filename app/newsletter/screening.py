"""The checks a newsletter sign-up passes, and what the sign-up page says when one fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from app.newsletter.service import valid_address

RefusalKey = Literal["expired", "honeypot", "no_address", "bad_address", "rate_limited", "unsaved"]


@dataclass(frozen=True)
class Refusal:
    """A sign-up turned back, and any headers the answer needs (when to come back)."""

    key: RefusalKey
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    """What the sign-up page says for a refusal: a notice above the form, or an error beside
    the address."""

    status_code: int
    notice: str | None = None
    error: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


NOTICES: dict[RefusalKey, Notice] = {
    "expired": Notice(
        403,
        notice="For your security, this form had expired. Your address is still here: "
        "please press Subscribe again.",
    ),
    "honeypot": Notice(
        422,
        notice="Please leave the field labelled “Leave this empty” blank, "
        "then press Subscribe again.",
    ),
    "no_address": Notice(422, error="Please enter your email address."),
    "bad_address": Notice(
        422, error="Please check this address: it does not look like an email address."
    ),
    "rate_limited": Notice(
        429,
        notice="You have signed up several times in the last hour. Please wait a while, "
        "then try again.",
    ),
    "unsaved": Notice(
        503,
        notice="We could not record that just now. Please try again in a few seconds.",
        headers={"Retry-After": "10"},
    ),
}


def screen_sign_up(*, token_ok: bool, honeypot: str, typed: str) -> str | Refusal:
    """The address in its normal form, or the first check the sign-up fails."""
    if not token_ok:
        return Refusal("expired")
    if honeypot.strip():
        return Refusal("honeypot")
    email = valid_address(text=typed)
    if email is None:
        return Refusal("bad_address" if typed else "no_address")
    return email
