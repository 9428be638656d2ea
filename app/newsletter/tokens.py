"""Signed tokens for the newsletter: the public sign-up form's token, confirmation links
(48 hours) and unsubscribe links (no expiry)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PUBLIC_TOKEN_HOURS = 48
CONFIRM_MAX_AGE_SECONDS = 48 * 60 * 60
CONFIRM_SALT = "newsletter-confirm"
UNSUBSCRIBE_SALT = "newsletter-unsubscribe"
MAX_TOKEN_LENGTH = 200


def _hour(now: datetime) -> int:
    return int(now.timestamp() // 3600)


def _public_mac(secret: str, hour: int) -> str:
    return hmac.new(secret.encode(), f"newsletter-form:{hour}".encode(), hashlib.sha256).hexdigest()


def public_form_token(secret: str, now: datetime) -> str:
    """The sign-up box's token: the same for every visitor within an hour, so cached public
    pages can carry it."""
    hour = _hour(now)
    return f"h{hour}.{_public_mac(secret, hour)}"


def public_form_token_valid(secret: str, token: object, now: datetime) -> bool:
    """True for a token this site issued in the last 48 hours (an hour ahead is allowed, for
    workers whose clocks differ slightly)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or not token.startswith("h"):
        return False
    hour_text, _, mac = token[1:].partition(".")
    if not hour_text.isdigit():
        return False
    hour = int(hour_text)
    if not _hour(now) - PUBLIC_TOKEN_HOURS <= hour <= _hour(now) + 1:
        return False
    return hmac.compare_digest(mac, _public_mac(secret, hour))


@dataclass(frozen=True)
class ConfirmClaim:
    """What a confirmation link says: which subscriber, and when it was mailed."""

    subscriber_id: int
    signed_at: datetime


class ConfirmExpired(Exception):
    """The confirmation link is genuine but older than 48 hours."""


def confirm_token(secret: str, subscriber_id: int) -> str:
    """The token in a confirmation link."""
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT).dumps(subscriber_id)


def read_confirm_token(secret: str, token: str) -> ConfirmClaim | None:
    """The claim in a confirmation token; None if forged; ConfirmExpired if too old."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    serializer = URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)
    try:
        value, signed_at = serializer.loads(
            token, max_age=CONFIRM_MAX_AGE_SECONDS, return_timestamp=True
        )
    except SignatureExpired as exc:
        raise ConfirmExpired from exc
    except BadSignature:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return ConfirmClaim(value, signed_at)


def unsubscribe_token(secret: str, subscriber_id: int) -> str:
    """The token in every digest's unsubscribe link; it never expires."""
    return URLSafeTimedSerializer(secret, salt=UNSUBSCRIBE_SALT).dumps(subscriber_id)


def read_unsubscribe_token(secret: str, token: str) -> int | None:
    """The subscriber id in an unsubscribe token, or None if it is forged."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = URLSafeTimedSerializer(secret, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value
