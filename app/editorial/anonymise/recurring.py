"""Names found once, marked wherever they recur; and names in letters typed all in lower case."""

from __future__ import annotations

import re

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.dates import MONTH_NAMES
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.vocabulary import (
    CLOSED_CLASS,
    COMPASS_WORDS,
    FUNCTION_WORDS,
    REGION_NOUNS,
    SEASONS,
    TIME_WORDS,
    TITLES,
)
from app.editorial.anonymise.words import Word

# "i'm", "i think": a letter whose writer does not capitalise "I" may not capitalise names.
_LOWER_I = re.compile(r"(?<![\w'’])i(?=['’ ,])")
_LOWER_TITLE = re.compile(r"\b(?:mrs|mr|ms|miss|dr)\.? [a-z][\w'’-]*")
_COMPASS = frozenset(
    ("north", "south", "east", "west", "northern", "southern", "eastern", "western", "central")
)
_LOWER_PLACE_BEFORE = frozenset(("in", "from", "near", "to", "outside", "around"))
_COMMON_AS_WORD = 33  # lower-case first names more frequent than this are usually words
_DAY_AFTER = re.compile(r",? \d")


def is_lowercase_letter(text: str) -> bool:
    """Whether the writer types in lower case: "i" on its own, more than once."""
    return len(_LOWER_I.findall(text)) >= 2


def lowercase_names_and_places(text: str, words: list[Word]) -> list[Finding]:
    """Names and places typed in lower case: "from astrid herself", "in western sydney"."""
    found = [make_finding(text, m.start(), m.end(), "name") for m in _LOWER_TITLE.finditer(text)]
    for i, word in enumerate(words):
        if word.capitalised or word.lower in CLOSED_CLASS or word.ordinary:
            continue
        title = word.core.title()
        if title in lexicon.given_names() and word.zipf < _COMMON_AS_WORD:
            found.append(make_finding(text, word.start, word.end, "name"))
        elif title in lexicon.place_names() and word.before in _LOWER_PLACE_BEFORE | _COMPASS:
            compass = i > 0 and words[i - 1].lower in _COMPASS
            start = words[i - 1].start if compass else word.start
            found.append(make_finding(text, start, word.end, "place"))
    return found


def other_occurrences(
    text: str, words: list[Word], found: list[Finding], lowercase: bool
) -> list[Finding]:
    """Every other use of a word already found as a name or place, capitalised as it was found."""
    known: dict[str, str] = {}
    for finding in found:
        if finding.kind in ("name", "place"):
            for part in re.findall(r"[^\W\d_][\w'’-]*", finding.text):
                part = re.sub(r"['’]s$", "", part)
                if _may_recur(part):
                    known.setdefault(part.lower() if lowercase else part, finding.kind)
    covered = [(f.start, f.end) for f in found]
    extra = []
    for word in words:
        kind = known.get(word.lower if lowercase else word.core)
        if kind is None or any(s <= word.start < e for s, e in covered):
            continue
        if word.sentence_start and word.ordinary and word.after in FUNCTION_WORDS:
            continue  # "Will you...", "Hope this helps"
        if lowercase and not word.capitalised and word.ordinary and not word.possessive:
            continue  # "hope" in "i hope", when Hope is a client
        if _calendar(word.core) and (word.before in TIME_WORDS or _DAY_AFTER.match(text, word.end)):
            continue  # "in June", "June 3rd", when June is a client
        extra.append(make_finding(text, word.start, word.end, kind))
    return extra


def _calendar(word: str) -> bool:
    return word in MONTH_NAMES or word in SEASONS


def _may_recur(part: str) -> bool:
    """Whether a word of a finding identifies wherever it appears (not "Mr", "The", "May")."""
    return (
        part[:1].isupper()
        and part not in TITLES
        and part.lower() not in CLOSED_CLASS
        and part != "The"
        # "East" of "East Midlands" and "Coast" of "Gold Coast" name nothing on their own.
        and part not in COMPASS_WORDS
        and part not in REGION_NOUNS
    )
