"""The signed token in the letter form: when it was rendered, and its submission key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FormStamp:
    submission_key: str
    age_seconds: float


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="letter-form")


def issue(secret: str, submission_key: str) -> str:
    """A token for a freshly rendered form."""
    return _serializer(secret).dumps({"k": submission_key})


def read(secret: str, token: object, now: datetime) -> FormStamp | None:
    """The stamp inside a token, or None if it is missing, forged or older than a day."""
    if not isinstance(token, str) or not token or len(token) > 300:
        return None
    try:
        data, signed_at = _serializer(secret).loads(
            token, max_age=MAX_AGE_SECONDS, return_timestamp=True
        )
    except (SignatureExpired, BadSignature):
        return None
    key = data.get("k") if isinstance(data, dict) else None
    if not isinstance(key, str) or not 16 <= len(key) <= 64:
        return None
    return FormStamp(key, (now - signed_at).total_seconds())
