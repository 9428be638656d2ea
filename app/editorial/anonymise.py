"""The anonymisation aid: find details in a letter that could identify someone, and mark them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|"
    "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
WORKPLACE_WORDS = (
    "clinic|hospital|school|academy|university|college|centre|center|church|"
    "practice|surgery|hospice|prison|unit|ward|trust|foundation|charity|company"
)
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]*[^\s<>\"').,;:!?]", re.IGNORECASE)),
    ("phone", re.compile(r"(?<![\w/])\+?\(?\d[\d ().-]{6,}\d(?![\w/])")),
    (
        "age",
        re.compile(
            r"\b\d{1,3}[- ](?:year|yr)s?[- ]old\b|\b(?:aged?|age of)\s+\d{1,3}\b"
            r"|\b(?:is|was|turned|turns)\s+\d{1,2}\b(?!\s*(?:minutes|hours|days|%|per))",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:\s+\d{{4}})?"
            rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
            r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}\b"
        ),
    ),
    (
        "workplace",
        re.compile(
            rf"\b(?:St\.?|Saint|Mount|Mt\.?)\s+[A-Z][\w'\u2019]+(?:'s|\u2019s)?"
            rf"(?:\s+(?:{WORKPLACE_WORDS}))?\b"
            rf"|\b(?:[A-Z][\w'\u2019]+\s+){{1,3}}(?i:{WORKPLACE_WORDS})\b"
        ),
    ),
    ("name", re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][\w'\u2019-]+")),
]
_CAPITALISED = re.compile(r"\b[A-Z][a-z'\u2019]+(?:[- ][A-Z][a-z'\u2019]+)*\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|[\"\u201c\u2018(]\s*)$")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str


@cache
def _word_list(name: str) -> frozenset[str]:
    return frozenset((DATA / name).read_text(encoding="utf-8").split())


def find_identifying_details(text: str) -> list[Finding]:
    """Likely identifying details in the text, in order, without overlaps."""
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        found += [Finding(m.start(), m.end(), kind, m.group(0)) for m in pattern.finditer(text)]
    found += _names_and_places(text)
    return _without_overlaps(found)


def _names_and_places(text: str) -> list[Finding]:
    names, places = _word_list("first_names.txt"), _word_list("places.txt")
    found: list[Finding] = []
    for match in _CAPITALISED.finditer(text):
        words = re.split(r"[- ]", match.group(0))
        at_start = bool(_SENTENCE_START.search(text[: match.start()]))
        if any(w in places for w in words):
            found.append(Finding(match.start(), match.end(), "place", match.group(0)))
        elif words[0] in names or (len(words) >= 2 and not at_start):
            # A known first name, or two capitalised words mid-sentence ("Jo Marsh").
            found.append(Finding(match.start(), match.end(), "name", match.group(0)))
    return found


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if result and finding.start < result[-1].end:
            continue
        result.append(finding)
    return result


def highlight(text: str, findings: list[Finding]) -> str:
    """The text as HTML paragraphs, each finding wrapped in <mark>."""
    pieces, position = [], 0
    for f in findings:
        pieces.append(html.escape(text[position : f.start]))
        pieces.append(
            f'<mark data-kind="{f.kind}" title="{f.kind}">'
            f"{html.escape(text[f.start : f.end])}</mark>"
        )
        position = f.end
    pieces.append(html.escape(text[position:]))
    marked = "".join(pieces)
    return "".join(f"<p>{p}</p>" for p in re.split(r"\n\s*\n", marked) if p.strip())
