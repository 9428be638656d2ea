"""What a finding is, what each kind is called, and how overlapping candidates are settled."""

from __future__ import annotations

import re
from dataclasses import dataclass

KIND_LABELS: dict[str, str] = {
    "name": "name",
    "place": "place",
    "workplace": "workplace",
    "age": "age",
    "date": "date",
    "phone": "phone number",
    "email": "email address",
    "url": "web address",
    "handle": "social handle",
    "postcode": "postcode",
    "number": "ID number",
}
# When two candidates overlap, the more specific detector wins: an NHS number is also a
# plausible phone number, and "St Mary's" is a workplace before it is a name.
_STRONGEST_FIRST = "email url handle postcode number phone date age workplace place name"
_PRIORITY = {kind: rank for rank, kind in enumerate(_STRONGEST_FIRST.split(" "))}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Finding:
    """One likely identifying detail: where it is in the text, what kind it is, and its words."""

    start: int
    end: int
    kind: str
    text: str


def make_finding(text: str, start: int, end: int, kind: str) -> Finding:
    """A finding for text[start:end], with surrounding spaces and stray punctuation trimmed."""
    while start < end and not (text[start].isalnum() or text[start] in "+@#(£$"):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")"):
        end -= 1
    if text[start:end].count("(") < text[start:end].count(")"):
        end -= 1
    elif text[start:end].count("(") > text[start:end].count(")"):
        start += 1
    return Finding(start, end, kind, text[start:end])


def without_overlaps(candidates: list[Finding]) -> list[Finding]:
    """The candidates in order, keeping the strongest of any that overlap or span paragraphs."""
    # Patterns (codes, dates, ages) are exact, so they beat guesses about capitalised words
    # even when shorter; within each group the longer candidate wins.
    ranked = sorted(
        (c for c in candidates if c.end > c.start and not _BLANK_LINE.search(c.text)),
        key=lambda c: (_PRIORITY[c.kind] > _PRIORITY["age"], c.start - c.end, _PRIORITY[c.kind]),
    )
    kept: list[Finding] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or k.end <= candidate.start for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)
