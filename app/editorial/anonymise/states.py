"""States and provinces by their codes, with the ZIP after them: "Kingston, Ont.", "NY 11209"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.vocabulary import (
    CREDENTIALS,
    DISTINCT_CODES,
    STOP_WORDS,
    TRADITIONAL_CODES,
)

_CODE_PREPOSITIONS = r"in|from|across|around|outside|regional|rural|to|near|of|throughout"
_POSTCODE = r"\d{5}(?:-\d{4})?|\d{4}|[A-Z]\d[A-Z] ?\d[A-Z]\d"
_END = r"(?=[\s,;:)!?]|\.(?!\w)|$)"


def find_state_codes(text: str) -> Iterator[Finding]:
    """State codes after a town or "in", and the ZIP or postcode after them."""
    for match in _after_town().finditer(text):
        town, code, postcode = match.group("town", "code", "postcode")
        known = _known_town(town)
        if not (postcode or _is_town(town, code)):
            continue
        if known:
            yield make_finding(text, match.end("town") - len(known), match.end("town"), "place")
        # A state with its ZIP is one detail, "NY 11209", as a UK or Canadian postcode is.
        kind, end = ("postcode", match.end("postcode")) if postcode else ("place", match.end())
        yield make_finding(text, match.start("code"), end, kind)
    for match in _after_preposition().finditer(text):
        yield make_finding(text, *match.span(1), "place")


def is_state_code(word: str) -> bool:
    """Whether the word is a state's or province's code: "WA", "Ont.", "B.C."."""
    return word in lexicon.state_codes() or word in TRADITIONAL_CODES


def _is_town(town: str, code: str) -> bool:
    """Whether the words before a code name a town: "Kingston", "San Antonio", "Darwin"."""
    words = town.split()
    if code in CREDENTIALS:
        return town in lexicon.place_names() and words[0] not in lexicon.given_names()
    return bool(_known_town(town)) or (code in DISTINCT_CODES and words[-1] not in STOP_WORDS)


def _known_town(words: str) -> str:
    """The longest tail of the words that is a town's name ("San Antonio"), or ""."""
    parts = words.split()
    for i in range(len(parts)):
        tail = " ".join(parts[i:])
        # In a title-cased phrase ("Far From Home, WA") a word's capital says nothing.
        title_cased = i > 0 and tail.lower() in lexicon.ordinary_words()
        if tail in lexicon.place_names() and not title_cased:
            return tail
    return ""


@cache
def _after_town() -> re.Pattern[str]:
    """Town, code and postcode: "Tucson, AZ 85719", "Marrickville NSW 2204", "Halifax, N.S."."""
    return re.compile(
        rf"\b(?P<town>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){{0,2}}),? (?P<code>{_codes(_all_codes())})"
        rf"(?: (?P<postcode>{_POSTCODE})\b|{_END})"
    )


@cache
def _after_preposition() -> re.Pattern[str]:
    """A distinct code after where: "in NSW", "across Qld", "from B.C."."""
    return re.compile(rf"\b(?:{_CODE_PREPOSITIONS}) ({_codes(DISTINCT_CODES)}){_END}")


def _all_codes() -> frozenset[str]:
    """The ISO codes and the traditional abbreviations together."""
    return lexicon.state_codes() | TRADITIONAL_CODES


def _codes(codes: frozenset[str]) -> str:
    """The codes as a pattern that matches none inside a longer word."""
    # Longest first, so that "N.S.W." is tried before "N.S.", and no code ends inside a word.
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return rf"(?:{alternatives})(?!\w)"
