"""The checks a letter passes on its way in, and what the form says when one fails.

The form's own checks come first (its CSRF token, the honeypot, the signed form token and how
soon it came back), then the rules every letter meets, which the JSON API shares. A letter
turned back is a `Refusal` named by a key; `NOTICES` holds what the form says for each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from app.config import Settings
from app.submissions import form_token
from app.submissions.validation import LetterInput, validate_letter

RefusalKey = Literal[
    "expired", "honeypot", "stale_form", "too_quick", "invalid", "rate_limited", "unsaved"
]


@dataclass(frozen=True)
class Refusal:
    """A letter turned back: what went wrong, the fields at fault, and any headers the answer
    needs (when to come back)."""

    key: RefusalKey
    errors: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Screened:
    """A letter that passed every check, and the submission key its form carried."""

    letter: LetterInput
    submission_key: str


@dataclass(frozen=True)
class Notice:
    """What the letter form says for a refusal, with its status and headers; the form keeps
    its token (and so its submission key) unless that token was the trouble."""

    status_code: int
    sentence: str
    keep_token: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)


NOTICES: dict[RefusalKey, Notice] = {
    "expired": Notice(
        403,
        "For your security, this form had expired. "
        "Your letter is still here: please press Send again.",
    ),
    "honeypot": Notice(
        422,
        "Please leave the field labelled “Leave this empty” blank, then press Send again.",
    ),
    "stale_form": Notice(
        422,
        "This form was open for a long time, so we refreshed it. "
        "Your letter is still here: please press Send again.",
        keep_token=False,
    ),
    "too_quick": Notice(
        422,
        "That was quicker than we expected from a person. "
        "Please check your letter, then press Send again.",
    ),
    "invalid": Notice(
        422, "Please check the highlighted fields. Everything you wrote is still here."
    ),
    "rate_limited": Notice(
        429,
        "You have sent several letters in the last hour. Please wait a while "
        "before sending another; your text is still here.",
    ),
    "unsaved": Notice(
        503,
        "We could not save your letter just now. Nothing is lost: your text "
        "is still here. Please try again in a few seconds.",
        headers={"Retry-After": "10"},
    ),
}


def screen_letter(
    *,
    fields: Mapping[str, str],
    posted_token: object,
    csrf_ok: bool,
    honeypot: str,
    settings: Settings,
    secret: str,
    topics: list[str] | None,
    now: datetime,
) -> Screened | Refusal:
    """The letter from the form and its submission key, or the first check it fails."""
    if not csrf_ok:
        return Refusal("expired")
    if honeypot.strip():
        return Refusal("honeypot")
    stamp = form_token.read(secret, posted_token, now)
    if stamp is None:
        return Refusal("stale_form")
    if stamp.age_seconds < settings.form_min_seconds:
        return Refusal("too_quick")
    letter = check_letter(fields, topics)
    if isinstance(letter, Refusal):
        return letter
    return Screened(letter, stamp.submission_key)


def check_letter(data: Mapping[str, object], topics: list[str] | None) -> LetterInput | Refusal:
    """The letter cleaned by the rules every letter meets (the form's and the API's), or why
    it cannot be taken; without the topics to check against, it cannot be taken just now."""
    if topics is None:
        return Refusal("unsaved")
    letter, errors = validate_letter(data, topics)
    return letter if letter is not None else Refusal("invalid", errors=errors)
