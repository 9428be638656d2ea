"""Regions no town list has: "the East Midlands", "the West Country", "the Gold Coast"."""

from __future__ import annotations

import re

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.vocabulary import (
    CLOSED_CLASS,
    COMPASS_WORDS,
    FUNCTION_WORDS,
    HOME_NATIONS,
    REGION_NOUNS,
    REGION_WORDS,
    STOP_WORDS,
)
from app.editorial.anonymise.words import Word

# "in the Cotswolds", "from the Mallee", "near the Pennines": a name after where and "the".
_IN_THE = re.compile(r"\b(?i:in|near|from|around|across|outside|throughout|round)\s+the\s+$")
# "moved to the Midlands": after "to", only a region's noun, since "to the Gardaí" or "to the
# Samaritans" is a service.
_TO_THE = re.compile(r"\b(?i:to|into|towards)\s+the\s+$")
# What may follow such a name, where a noun would make it a modifier ("the Zoom call").
_AFTER_AREA = CLOSED_CLASS | FUNCTION_WORDS | {"", "is", "was", "are", "were", "has", "had", "will"}
_NOT_A_NAME = CLOSED_CLASS | {"the", "a", "an"}
_RARE = 30  # ten times a Zipf frequency of 3: once per million words


def region_in(text: str, run: list[Word]) -> Finding | None:
    """The region a run of capitalised words names, if it names one."""
    for i, word in enumerate(run[:-1]):
        if word.core in COMPASS_WORDS and _regional(run[i + 1]):
            # "East Midlands", "North East", "West Clare": a compass point, then a region;
            # but "South America" or "North Korea" is a continent or a country.
            last = run[_region_end(run, i + 1)]
            if text[word.start : last.end] not in lexicon.nations():
                return _span(text, word, last)
    for i, word in enumerate(run[1:], start=1):
        if word.core in REGION_NOUNS and _names_a_region(run[i - 1]):
            # "Gold Coast", "Blue Mountains", "Scottish Highlands": a name, then what it is.
            return _span(text, _first_of_name(run, i - 1), word)
    if len(run) == 1 and _area_after_the(text, run[0]):
        return _span(text, run[0], run[0])
    return None


def _regional(word: Word) -> bool:
    """Whether a word after a compass point makes a region: "Midlands", "East", "Yorkshire"."""
    if word.core in COMPASS_WORDS or word.core in REGION_NOUNS or word.core in HOME_NATIONS:
        return True
    return word.place and not word.stop


def _region_end(run: list[Word], i: int) -> int:
    """The last word of the region that starts before run[i]: "North East Lincolnshire"."""
    while i + 1 < len(run) and _regional(run[i + 1]):
        i += 1
    return i


def _names_a_region(word: Word) -> bool:
    """Whether a word can name a region before "Coast" or "Highlands": not "The" or "Dear"."""
    return word.core not in STOP_WORDS and word.lower not in _NOT_A_NAME


def _first_of_name(run: list[Word], i: int) -> Word:
    """The first word of the name before a region noun: "Sunshine" in "Sunshine Coast"."""
    while i > 0 and _names_a_region(run[i - 1]) and not run[i - 1].sentence_start:
        i -= 1
    return run[i]


def _area_after_the(text: str, word: Word) -> bool:
    """ "in the Cotswolds", "from the Mallee": a name no common word shares, after "in the"."""
    core = word.core
    if word.possessive or word.stop or word.given_name or word.sentence_start or len(core) < 4:
        return False
    if core in lexicon.nations() or core in REGION_WORDS or word.after not in _AFTER_AREA:
        return False
    window = max(0, word.start - 16)
    after_to = core in REGION_NOUNS and _TO_THE.search(text, window, word.start)
    if not (after_to or _IN_THE.search(text, window, word.start)):
        return False
    return core in REGION_NOUNS or not word.ordinary or word.zipf < _RARE


def _span(text: str, first: Word, last: Word) -> Finding:
    return make_finding(text, first.start, last.end, "place")
