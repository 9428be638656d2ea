"""Postcodes: UK, Irish and Canadian ones, ZIPs after "ZIP", and UK districts such as "in SW9"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.model import Finding, make_finding

_UK_POSTCODE = r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b"
# The first half of a UK postcode on its own, after an address: "41 Choumert Grove, SE15".
_UK_DISTRICT = r"(?<=[a-z], )[A-PR-UWYZ][A-HK-Y]?\d{1,2}[A-Z]?(?=[\s,.;)]|$)"
_EIRCODE = r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?(?=[A-Z]{0,3}\d)[0-9AC-FHKNPRTV-Y]{4}\b"
_CA_POSTCODE = r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"
_ZIP_WORD = r"(?i:zip(?: ?code)?|post ?code):? (\d{4,5}(?:-\d{4})?)\b"
# The lookahead on the first character lets the engine pass over most positions at once.
_POSTCODE = re.compile(
    f"(?=[A-Z\\dZzPp])(?:{_UK_POSTCODE}|{_UK_DISTRICT}|{_EIRCODE}|{_CA_POSTCODE}|{_ZIP_WORD})"
)
# The letters that start UK postcodes (Royal Mail's postcode areas), so that "in SW9" or
# "the LS6 area" is a district while "in CO2 levels" or "K10" is not.
_AREAS = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT"
    " DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA"
    " LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE"
    " SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV"
    " YO ZE"
)
_AREA_CODES = frozenset(_AREAS.split())
_DISTRICT = re.compile(r"(?=[A-Z])(?<![\w-])([A-Z]{1,2})\d{1,2}[A-Z]?(?![\w-])")
# Where a district is said to be: "lives in SW9", "near LS6", "Leeds LS6", "the M14 area".
_WHERE_BEFORE = re.compile(
    r"(?:\b(?i:in|near|from|around|round|outside|to|postcode|post code|district)|[(]"
    r"|(?<![.!?] )\b([A-Z][\w'’-]+),?) $"
)
_VITAMIN_BEFORE = re.compile(r"\b(?i:low|high|deficient|rich|vitamin) (?:in )?$")
_AFTER_DISTRICT = re.compile(
    r"\s*(?:[.,;:)!?—–]|$)|\s+(?:and|but|or|with|where|near|which|who|so|for|now|from|to|at"
    r"|on|in|since|until|when|while|because|area|postcode|district|way|side|end)\b"
)
_AREA_AFTER = re.compile(r" (?:area|postcode|district)\b")


def find_postcodes(text: str) -> Iterator[Finding]:
    """Postcodes in the text, and UK districts where an address or "in" shows them to be one."""
    for match in _POSTCODE.finditer(text):
        group = 1 if match.group(1) else 0
        yield make_finding(text, match.start(group), match.end(group), "postcode")
    for match in _DISTRICT.finditer(text):
        if match.group(1) in _AREA_CODES and _district_here(text, match.start(), match.end()):
            yield make_finding(text, match.start(), match.end(), "postcode")


def _district_here(text: str, start: int, end: int) -> bool:
    """Whether "SW9" here is where someone lives: after "in" or a town, or before "area"."""
    if _AREA_AFTER.match(text, end):
        return True
    window = max(0, start - 30)
    before = _WHERE_BEFORE.search(text, window, start)
    if before is None or _VITAMIN_BEFORE.search(text, window, start):
        return False
    town = before.group(1)
    if town is not None and town not in lexicon.place_names():
        return False
    return bool(_AFTER_DISTRICT.match(text, end))
