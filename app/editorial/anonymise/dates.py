"""Dates: "12 March", "March 12th, 2024", "the 2nd of February", "03/04/2024", "2019"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.editorial.anonymise.model import Finding, make_finding

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
MONTH_NAMES = frozenset(MONTHS.split("|"))
_YEAR = r"(?:19[2-9]\d|20[0-4]\d)"
# The lookahead on the first character lets the engine pass over most positions at once.
_DATE = re.compile(
    rf"(?=[\dJFMASONDt])(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+{_YEAR}\b)?"
    rf"|\b(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\s+of\s+(?:{MONTHS})\b"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!:)(?:,?\s+{_YEAR}\b)?"
    rf"|\b(?:{MONTHS})\s+(?:of\s+)?{_YEAR}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b(?:19|20)\d\d-\d\d-\d\d\b"
    rf"|(?<![£$€#\d,.-]){_YEAR}\b(?![-/]\d|,\d|\s*(?:%|minutes|pounds|dollars|euros)))"
)


def find_dates(text: str) -> Iterator[Finding]:
    """Specific dates and years in the text."""
    for match in _DATE.finditer(text):
        yield make_finding(text, match.start(), match.end(), "date")
