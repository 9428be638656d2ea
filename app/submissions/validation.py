"""The rules a letter must meet, shared by the form and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from app.markdown import clean_text

QUESTION_MIN, QUESTION_MAX = 50, 6000
SIGNOFF_MAX = 60


@dataclass(frozen=True)
class LetterInput:
    """A letter that passed every check."""

    question: str
    signoff: str
    email: str | None
    topic_hint: str | None
    consent: bool


def _text(data: Mapping[str, object], name: str) -> str:
    value = data.get(name)
    return clean_text(value).strip() if isinstance(value, str) else ""


def _checked(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("on", "true", "1", "yes"))


def validate_letter(
    data: Mapping[str, object], topic_names: list[str]
) -> tuple[LetterInput | None, dict[str, str]]:
    """The cleaned letter, or a message for each field that is wrong."""
    errors: dict[str, str] = {}
    question = _text(data, "question").replace("\r\n", "\n")
    if len(question) < QUESTION_MIN:
        errors["question"] = (
            f"Please tell us a little more: at least {QUESTION_MIN} characters "
            f"(you have {len(question)})."
        )
    elif len(question) > QUESTION_MAX:
        errors["question"] = (
            f"Letters can be up to {QUESTION_MAX:,} characters; yours has {len(question):,}. "
            "Please shorten it; we often edit letters down anyway."
        )
    signoff = " ".join(_text(data, "signoff").split())
    if not signoff:
        errors["signoff"] = "Please choose a pen name to sign with, such as “Tired at Ten”."
    elif len(signoff) > SIGNOFF_MAX:
        errors["signoff"] = f"Please keep the pen name to {SIGNOFF_MAX} characters."
    email: str | None = _text(data, "email") or None
    if email is not None:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = (
                "That does not look like an email address. Check it, or leave it empty."
            )
    topic_hint = _text(data, "topic_hint") or None
    if topic_hint is not None and topic_hint not in topic_names:
        errors["topic_hint"] = "Please pick a topic from the list, or leave it empty."
    if not _checked(data.get("consent")):
        errors["consent"] = "We can only consider letters we may publish, edited and anonymised."
    if errors:
        return None, errors
    return LetterInput(question, signoff, email, topic_hint, True), {}
