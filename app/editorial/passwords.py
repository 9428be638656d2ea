"""Staff passwords: argon2id hashes, a length floor and a list of passwords too common to use."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps an unknown email as slow as a wrong password (made on first
    use: a hash takes a tenth of a second, which every worker would otherwise pay at start)."""
    return hasher.hash("not a real password, only for timing")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords nobody may use."""
    return frozenset(COMMON_FILE.read_text(encoding="utf-8").split())


def password_problem(password: str) -> str | None:
    """Why a password is not good enough, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if password.lower() in common_passwords() or len(set(password)) < 4:
        return "That password is too common. Try a few unrelated words together."
    return None


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; does the same work when there is no account."""
    dummy = _dummy_hash()  # made before the check either way, so the first one is no faster
    try:
        return hasher.verify(stored_hash or dummy, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return hasher.check_needs_rehash(stored_hash)
