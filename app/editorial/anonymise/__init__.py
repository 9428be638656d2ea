"""The anonymisation aid: find details in a letter that could identify someone, and mark them."""

from __future__ import annotations

import html
import re

from app.editorial.anonymise.ages import find_ages
from app.editorial.anonymise.codes import find_codes
from app.editorial.anonymise.contact import find_contact_details
from app.editorial.anonymise.dates import find_dates
from app.editorial.anonymise.model import KIND_LABELS, Finding, without_overlaps
from app.editorial.anonymise.postcodes import find_postcodes
from app.editorial.anonymise.proper_nouns import find_names_places_and_workplaces
from app.editorial.anonymise.replacements import suggest_replacements
from app.editorial.anonymise.states import find_state_codes

__all__ = [
    "KIND_LABELS",
    "Finding",
    "find_identifying_details",
    "highlight",
    "mark_up",
    "suggest_replacements",
]


def find_identifying_details(text: str, *, pen_name: bool = False) -> list[Finding]:
    """Likely identifying details in the text, in order, without overlaps; `pen_name` says the
    text is a sign-off on its own ("Frightened in Fife"), where only places count."""
    candidates = [*find_contact_details(text), *find_codes(text), *find_ages(text)]
    candidates += [*find_dates(text), *find_state_codes(text), *find_postcodes(text)]
    candidates += find_names_places_and_workplaces(text, pen_name=pen_name)
    return without_overlaps(candidates)


def mark_up(text: str, findings: list[Finding], *, titled: bool = False) -> str:
    """The text, escaped, with each finding in a <mark> (`titled`: its kind as a tooltip) and
    nothing else changed, so that it can be laid exactly under a text area."""
    pieces, position = [], 0
    for f in findings:
        title = f' title="{f.kind}"' if titled else ""
        pieces.append(html.escape(text[position : f.start]))
        pieces.append(
            f'<mark data-kind="{f.kind}"{title}>{html.escape(text[f.start : f.end])}</mark>'
        )
        position = f.end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def highlight(text: str, findings: list[Finding]) -> str:
    """The text as HTML paragraphs, each finding wrapped in <mark>."""
    marked = mark_up(text, findings, titled=True)
    return "".join(f"<p>{p}</p>" for p in re.split(r"\n\s*\n", marked) if p.strip())
