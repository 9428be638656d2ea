"""Names, places and workplaces: runs of capitalised words read with the word lists and context."""

from __future__ import annotations

import re

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.people import names_and_places
from app.editorial.anonymise.recurring import (
    is_lowercase_letter,
    lowercase_names_and_places,
    other_occurrences,
)
from app.editorial.anonymise.regions import region_in
from app.editorial.anonymise.signoff import find_signoff, signoff_places
from app.editorial.anonymise.vocabulary import (
    REGION_WORDS,
    STREET_WORDS,
    TITLES,
    UNMISTAKABLE_STREET_WORDS,
    WORKPLACE_TAIL,
    WORKPLACE_WORDS,
)
from app.editorial.anonymise.words import Word, runs_of_capitals, words_of

_HOUSE_NUMBER = re.compile(
    r"(?:\b(?:[Nn]o\.?|[Ff]lat|[Aa]pt\.?|[Uu]nit) ?)?\b\d{1,5}(?:st|nd|rd|th|[A-Za-z])?,?"
    r"(?: [NSEW]\.?)? $"
)
_ADDRESS_NUMBER = re.compile(
    r"(?:\b(?:at|on|is|address|lives?|living)\W+|, )(?!(?:19|20)\d\d )(\d{1,5}[A-Za-z]?) $"
)
# Roads known by their numbers: "Highway 16", "Route 9", "Interstate 95".
_NUMBERED_ROADS = frozenset(("Highway", "Hwy", "Route", "Interstate", "Motorway"))
_ROAD_NUMBER = re.compile(r" \d{1,4}[A-Z]?\b")
_STREET_PREPOSITION = re.compile(r"\b(?:on|off|along|down|up|at|from|to|near|onto|in|of) $")
_COMPASS = frozenset(("North", "South", "East", "West"))
# What comes before a workplace's name: "works at", "a software tester at", "laid off from",
# "discharged from the", "my practice, ".
_WORK_CONTEXT = (
    r"(?:\b(?:works?|worked|working|employed|job|shifts?|placement|volunteers?|volunteering"
    r"|teaches|taught|studies|studied|enrolled|attends|attended|staff|intern|internship"
    r"|apprentice|trains?|training)\b[^.\n]{0,24}\b(?:at|for|by|with)"
    r"|\b(?:an?|as) (?:[\w-]+ ){0,2}[\w-]+ at"
    r"|\b(?:laid off|made redundant|fired|sacked|let go|resigned|discharged|admitted|sectioned"
    r"|transferred|referred)\s+(?:from|by|to|at)"
    r"|\b(?:practice|clinic|employer|company|workplace|office|firm|gym|church|synagogue|mosque"
    r"|temple|shop|café|cafe|restaurant|salon|agency|charity|surgery|hospital|college"
    r"|university|nursery|studio|business|school|team|club|band|choir|league),)"
)
_AFTER_WORK_CONTEXT = re.compile(_WORK_CONTEXT + r"\s+(?:the\s+)?$", re.IGNORECASE)
# An employer after a job and "for" or "with": "an accountant with Deloitte" (but "with the
# Gardaí" or "for the council" is a service, not one employer).
_JOB_FOR_OR_WITH = re.compile(r"\b(?:an?|as) (?:[\w-]+ ){0,2}[\w-]+ (?:for|with)\s+$", re.I)
# Initials are a workplace only after "at": "a pediatrician at CHEO", not "work with PTSD".
_ACRONYM_WORKPLACE = re.compile(
    r"\b(?:works?|worked|working|(?:an?|as) (?:[\w-]+ ){0,2}[a-z]+) at ([A-Z]{2,6})\b(?![-’'])"
    # "an engineer with BC Hydro", but not "a therapist with PTSD" or "a specialist for EMDR".
    r"|\b(?:an?|as) (?:[\w-]+ ){0,2}[a-z]+ with ([A-Z]{2,6} [A-Z][a-z]+)\b"
)
_LEADING_WORKPLACE_WORDS = frozenset(
    ("café", "cafe", "hotel", "studio", "club", "salon", "bar", "restaurant", "clinic", "gym")
)
_AT_WORKPLACE = re.compile(r"\b(?:at|for|from|with|by|to|joined|left)\s+(?:the\s+)?$", re.I)
# "the Tesco on Kirkstall Road", "the Asda in Didsbury": a branch of a shop or a chain.
_BRANCH = re.compile(r" (?:on|in|at|near|off|by) [A-Z]")
# What may follow a run to make it a workplace: "St. Mary's clinic", "St Luke's Hospital".
_FOLLOWING = re.compile(r"(?:['’]s)?((?: [\w'’-]+){1,4})")
_SAINTS = ("St", "Saint", "Mt", "Mount")
# "National Insurance number", "Health Insurance card": a kind of number, not an employer.
_ID_AFTER = re.compile(r" (?:number|no\.|card|contributions?)\b")
# A name in quotes, however it is written: signs his texts "CJ", known as 'Bunny'.
_QUOTED_NAME = re.compile(
    r"\b(?:signs?(?: \w+){0,3}|known as|goes by|go by|called|calls (?:him|her|them|me)"
    r"(?:self|selves)?|nicknamed|named)\s+[\"“‘']([A-Z][\w.'’-]*)[\"”’']"
)


def find_names_places_and_workplaces(text: str, *, pen_name: bool = False) -> list[Finding]:
    """Names, places and workplaces; a name found once is marked wherever it recurs."""
    words = words_of(text)
    signoff = find_signoff(text, pen_name=pen_name)
    body_end = signoff[0] if signoff else len(text)
    found: list[Finding] = []
    for run in runs_of_capitals(text, words):
        if run[0].start < body_end:
            found += _classify(text, run)
    found += _acronym_workplaces(text)
    found += [make_finding(text, *m.span(1), "name") for m in _QUOTED_NAME.finditer(text)]
    if signoff:
        found += signoff_places(text, *signoff, words)
    body = [w for w in words if w.start < body_end]
    lowercase = is_lowercase_letter(text)
    if lowercase:
        found += lowercase_names_and_places(text, body)
    return found + other_occurrences(text, body, found, lowercase)


def _acronym_workplaces(text: str) -> list[Finding]:
    """Workplaces known by their initials: "a pediatrician at CHEO"."""
    found = []
    for match in _ACRONYM_WORKPLACE.finditer(text):
        group = 1 if match.group(1) else 2
        found.append(make_finding(text, *match.span(group), "workplace"))
    return found


def _classify(text: str, run: list[Word]) -> list[Finding]:
    """What a run of capitalised words is, if anything identifying."""
    cores = [w.core for w in run]
    workplace_end = _workplace_end(text, run)
    if workplace_end:
        return [make_finding(text, _content(run).start, workplace_end, "workplace")]
    street = _street(text, run)
    if street:
        return [street]
    if len(run) > 1 and (cores[0] in REGION_WORDS or cores[-1] in REGION_WORDS):
        return [_span(text, _content(run), run[-1], "place")]
    if cores[0] in _SAINTS and len(run) > 1:
        place = _is_place(" ".join(cores[1:]), cores[0]) and not run[-1].possessive
        return [_span(text, run[0], run[-1], "place" if place else "workplace")]
    title = next((i for i, w in enumerate(run[:-1]) if w.core in TITLES), None)
    if title is not None and not run[title + 1].core.isupper():
        return [_span(text, run[title], run[-1], "name")]
    before = text[max(0, run[0].start - 40) : run[0].start]
    if _employer(before, run):
        return [_span(text, run[0], run[-1], "workplace")]
    if before.endswith("the ") and len(run) == 1 and _is_branch(text, run[0]):
        return [_span(text, run[0], run[0], "workplace")]
    region = region_in(text, run)
    return [region] if region else names_and_places(text, run)


def _employer(before: str, run: list[Word]) -> bool:
    """Whether the run is where someone works: "works at Amazon", "a driver for Uber"."""
    if run[0].sentence_start or all(w.stop for w in run):
        return False
    if _AFTER_WORK_CONTEXT.search(before):
        return True
    # "an accountant with Deloitte", but not "a session with Hope" or "a call with Zoom".
    if not _JOB_FOR_OR_WITH.search(before):
        return False
    return not (run[0].given_name or (len(run) == 1 and run[0].ordinary))


def _is_branch(text: str, word: Word) -> bool:
    """Whether "the Tesco" is followed by where it is: "on Kirkstall Road", "in Didsbury"."""
    return bool(_BRANCH.match(text, word.end)) and not word.ordinary and not word.stop


def _named_after_its_kind(run: list[Word]) -> bool:
    """Whether the run starts with what the place is: "Café Nero", but not "Hotel Street"."""
    if len(run) < 2 or run[0].lower not in _LEADING_WORKPLACE_WORDS or run[0].sentence_start:
        return False
    return run[1].capitalised and run[-1].core not in STREET_WORDS


def _workplace_end(text: str, run: list[Word]) -> int:
    """Where a workplace named by this run ends ("Northgate Primary School"), or 0."""
    opening = run[0].sentence_start and (run[0].ordinary or run[0].stop)
    if _content(run).stop or (len(run) == 1 and opening) or _ID_AFTER.match(text, run[-1].end):
        return 0
    if _named_after_its_kind(run):
        return run[-1].end  # "Café Nero", "Hotel Chocolat", "Studio Flow"
    keyword = next((w for w in reversed(run[1:]) if w.lower in WORKPLACE_WORDS), None)
    # "Northgate Primary School" names a place; "Internal Family Systems" and "Cognitive
    # Behavioural Therapy" are plain words, a workplace only after "at", "for", "works at".
    plain = all(w.ordinary and not w.given_name and not w.place for w in run)
    if keyword is not None and keyword.lower not in WORKPLACE_TAIL:
        before = text[max(0, run[0].start - 40) : run[0].start]
        if not plain or _AT_WORKPLACE.search(before) or _AFTER_WORK_CONTEXT.search(before):
            return run[-1].end
    following = _FOLLOWING.match(text, run[-1].end)
    return _workplace_word_after(run, following, plain) if following else 0


def _workplace_word_after(run: list[Word], following: re.Match[str], plain: bool) -> int:
    """Up to three more capitalised words, then a workplace word: "St Luke's Hospital"."""
    offset, capitalised = following.start(1), False
    for word in following.group(1).split(" ")[1:]:
        offset += len(word) + 1
        if word.lower() in WORKPLACE_WORDS and word.lower() not in ("home", "care"):
            # "Sarah's school" is Sarah's, not a school's name; "St. Mary's clinic" is a name;
            # "the Psychosis team" is a kind of team.
            owned = run[-1].possessive and run[0].core not in _SAINTS
            kind_of = owned or plain
            return 0 if kind_of and not (capitalised or word[0].isupper()) else offset
        if not word[:1].isupper():
            return 0
        capitalised = True
    return 0


def _street(text: str, run: list[Word]) -> Finding | None:
    """A street, with its house number: "14 Maple Drive", "on Abbey Street", "8th Street East"."""
    cores = [w.core for w in run]
    road_number = _ROAD_NUMBER.match(text, run[-1].end)
    if cores[-1] in _NUMBERED_ROADS and road_number:
        return make_finding(text, _content(run).start, road_number.end(), "place")  # "Route 9"
    if cores[-1] in _COMPASS and len(cores) > 1:
        cores = cores[:-1]
    if cores[-1] not in STREET_WORDS:
        return _numbered_street(text, run)
    first = _content(run)
    house = _HOUSE_NUMBER.search(text, max(0, first.start - 14), first.start)
    if house:
        return make_finding(text, house.start(), run[-1].end, "place")
    leading = _STREET_PREPOSITION.search(text, max(0, first.start - 8), first.start)
    if len(cores) > 1 and (cores[-1] in UNMISTAKABLE_STREET_WORDS or leading):
        return _span(text, first, run[-1], "place")
    return None


def _numbered_street(text: str, run: list[Word]) -> Finding | None:
    """A street named without "Street" but with a number, in an address: "4580 Kingsway, "."""
    house = _ADDRESS_NUMBER.search(text, max(0, run[0].start - 8), run[0].start)
    if house and len(run) <= 2 and text.startswith(",", run[-1].end) and not run[0].stop:
        return make_finding(text, house.start(1), run[-1].end, "place")
    return None


def _is_place(name: str, saint: str) -> bool:
    """Whether "St Albans", "Saint Paul" or "Mount Vernon" is a town rather than a church."""
    prefixes = ("St", "St.", "Saint") if saint.startswith("S") else ("Mt", "Mt.", "Mount")
    return any(f"{prefix} {name}" in lexicon.place_names() for prefix in prefixes)


def _content(run: list[Word]) -> Word:
    """The first word of a run that is part of the name, past a sentence's opening word."""
    if len(run) > 1 and run[0].sentence_start and (run[0].ordinary or run[0].stop):
        return run[1] if run[0].core != "The" else run[0]
    return run[0]


def _span(text: str, first: Word, last: Word, kind: str) -> Finding:
    return make_finding(text, first.start, last.end, kind)
