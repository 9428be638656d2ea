"""The sign-off: a pen name is left alone, but the places in it are marked ("—Uneasy, Leeds")."""

from __future__ import annotations

import re

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.regions import region_in
from app.editorial.anonymise.states import is_state_code
from app.editorial.anonymise.vocabulary import PROFESSIONS
from app.editorial.anonymise.words import Word, runs_of_capitals

_SIGNOFF = re.compile(r"^[ \t]*[—–-]+[ \t]*(\S.*)\s*\Z", re.MULTILINE)
# A sign-off given on its own, as the sign-off field has it: "Out of My Lane".
_PEN_NAME = re.compile(r"\A\s*[—–-]*\s*((?:[^\s.?!;:]+ ?){1,6})\s*\Z")
_LAST_PLACE = re.compile(
    r"(?:\bin|,)\s+(the\s+)?(?!the\b|a\b|an\b)([^\W\d_][\w'’ -]*?)\s*[.!]?\s*\Z"
)
# Where a place is said to be in a sign-off: "Worried in Toowoomba", "Tired, Leeds".
_WHERE_BEFORE = re.compile(r"(?:\b(?:in|from|near|of|outside)(?: the)?|,) $")
_STATE_CODE = re.compile(r"(?:,|\bin) ([A-Z][A-Za-z.]{1,5})(?=[\s,.!]|$)")


def find_signoff(text: str, *, pen_name: bool = False) -> tuple[int, int] | None:
    """Where the sign-off's words are: "—Careful in Swindon", or (`pen_name`: the text is a
    sign-off field) a pen name given alone. A title or an alt text of a few words is prose."""
    signoff = _SIGNOFF.search(text) or (_PEN_NAME.match(text) if pen_name else None)
    return signoff.span(1) if signoff else None


def signoff_places(text: str, start: int, end: int, words: list[Word]) -> list[Finding]:
    """The places in a sign-off, and nothing else: pen names stay unmarked."""
    found = _last_place(text, start, end)
    signoff_words = [w for w in words if start <= w.start < end]
    for run in runs_of_capitals(text, signoff_words):
        region = region_in(text, run)
        found += [region] if region else _towns(text, run) or _before_a_profession(text, run)
    for match in _STATE_CODE.finditer(text, start, end):
        code = match.group(1)
        if is_state_code(code) or is_state_code(code + "."):
            found.append(make_finding(text, *match.span(1), "place"))
    return found


def _last_place(text: str, start: int, end: int) -> list[Finding]:
    """The place that ends a pen name: "—Careful in Swindon", "—knackered, Leeds"."""
    match = _LAST_PLACE.search(text, start, end)
    if not match:
        return []
    place, known = match.group(2), match.group(2).title() in lexicon.place_names()
    # "knackered, Leeds" needs a known place; "in the Manawatu" and "in Castletroy" are names
    # no dictionary has; "Caught in the Middle" is no place.
    if match.group(0).startswith(",") and not known:
        return []
    # "Foot Firmly in Mouth", "Going in Circles": an ordinary word is no place.
    if not (known or _unknown_name(place)):
        return []
    return [make_finding(text, *match.span(2), "place")]


def _unknown_name(words: str) -> bool:
    """Whether the words are capitalised and neither dictionary words nor first names."""
    parts = words.split()
    return all(
        p[:1].isupper()
        and p.lower() not in lexicon.ordinary_words()
        and p not in lexicon.given_names()
        for p in parts
    )


def _towns(text: str, run: list[Word]) -> list[Finding]:
    """Towns named in a run of a pen name: "Brisbane" in "Brisbane Therapist"."""
    found, i = [], 0
    while i < len(run):
        j = _longest_place(run, i)
        if j > i and _a_town_here(text, run, i, j):
            found.append(make_finding(text, run[i].start, run[j - 1].end, "place"))
            i = j
        else:
            i += 1
    return found


def _before_a_profession(text: str, run: list[Word]) -> list[Finding]:
    """Where a pen name says its writer works: "Okanagan" in "Okanagan Therapist"."""
    if len(run) != 2 or run[1].lower not in PROFESSIONS:
        return []
    where = run[0]
    if where.ordinary or where.given_name or where.stop:
        return []  # "Border Counsellor", "Glen Therapist"
    return [make_finding(text, where.start, where.end, "place")]


def _longest_place(run: list[Word], i: int) -> int:
    """The end of the longest place name starting at run[i], or i when none does."""
    for j in range(len(run), i, -1):
        if " ".join(w.core for w in run[i:j]) in lexicon.place_names():
            return j
    return i


def _a_town_here(text: str, run: list[Word], i: int, j: int) -> bool:
    """Whether a place name in a pen name is a place, not a word: "Leeds", not "Hope"."""
    if j - i > 1 or _WHERE_BEFORE.search(text, max(0, run[i].start - 12), run[i].start):
        return True
    word = run[i]
    return not (word.ordinary or word.given_name or word.stop)
