"""Contact details: email and web addresses, social handles and phone numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from app.editorial.anonymise.model import Finding, make_finding

# Generic and English-speaking country domains, plus a few used for link pages (linktr.ee).
_TLDS = (
    "com|org|net|edu|gov|info|biz|io|co|me|app|dev|blog|online|site|xyz|page|ly|tv|fm|ee|gg"
    "|uk|ie|us|ca|au|nz|eu|de|fr|es|it|nl|in|za|ng|ke"
)
_URL_END = r"[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?]"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_URL = re.compile(
    rf"\b(?:https?://|www\.){_URL_END}"
    rf"|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/{_URL_END})?(?![\w@-])",
    re.IGNORECASE,
)
_URL_HINT = re.compile(rf"://|www\.|\.(?:{_TLDS})\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[\w.]*\w)?")
# The lookahead on the first character lets the engine pass over most positions at once.
_PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+/.,£$€-])(?:\+|00)?\(?\d(?:[ .\-()]{0,2}\d){6,14}(?![\w/-]|[.,]\d)"
)
_NANP_SHAPE = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$|^\d{3}[ .-]\d{4}$")
_REGIONS = ("GB", "US", "IE", "CA", "AU")


def find_contact_details(text: str) -> Iterator[Finding]:
    """Emails, URLs, handles and phone numbers in the text."""
    # Most letters have no "@" and no web address, and these patterns are slow to rule out.
    patterns = [("email", _EMAIL), ("handle", _HANDLE)] if "@" in text else []
    if _URL_HINT.search(text):
        patterns.append(("url", _URL))
    for kind, pattern in patterns:
        for match in pattern.finditer(text):
            yield make_finding(text, match.start(), match.end(), kind)
    for match in _PHONE.finditer(text):
        if _looks_like_phone(match.group(0)):
            yield make_finding(text, match.start(), match.end(), "phone")


def _looks_like_phone(candidate: str) -> bool:
    """Whether a run of digits is shaped like a phone number someone could dial."""
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or re.fullmatch(r"(?:19|20)\d\d ?- ?(?:19|20)\d\d", candidate):
        return False
    international = candidate.startswith(("+", "00"))
    if not (international or candidate.startswith(("0", "(")) or _NANP_SHAPE.match(candidate)):
        return False
    dialled = "+" + candidate.lstrip("+0") if international else candidate
    regions = (None,) if international else _REGIONS
    return any(_possible(dialled, region) for region in regions)


def _possible(candidate: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(candidate, region)))
    except phonenumbers.NumberParseException:
        return False
