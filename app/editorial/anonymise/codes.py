"""Reference numbers: licences, registrations, cases, plates, National Insurance numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.states import is_state_code

_ID_WORDS = (
    r"licen[cs]e|registration|registered|reg|NHS|NI|national insurance|social security|SSN|PPSN?"
    r"|SIN|case|court|claim|docket|file (?:number|no\.?|#)|reference|ref|patient|hospital|MRN"
    r"|medical record|UR"
    r"|member(?:ship)?|policy|account|passport|driver'?s|badge|employee|staff|student|pupil"
    r"|HCPC|BACP|NMC|GMC|UKCP|BABCP|IACP|PSI|NPI|DEA|CORU|certificate|cert|permit|ID|crime"
    r"|plate|number"
)
_ID_CODE = r"#?(?:[A-Z]{2,6}[ -])?(?=[\w/-]*\d)[A-Z0-9][\w/-]{2,}(?:[ -]\d{2,}){0,3}"
# A code after what it is: "licence #LPC-004521", "NHS number (943 476 5919)". Codes are found
# first and their keyword looked for behind them, which is much faster than the other way.
_CODE = re.compile(rf"(?<![\w-])(?=[#A-Z0-9])(?=#?[\w/ -]{{0,8}}\d){_ID_CODE}")
_KEYWORD_BEFORE = re.compile(
    rf"\b(?i:{_ID_WORDS})(?:\s+(?i:number|num|no\.?|#|code|ref|id|is|was|reads))*\s*[:#(,]?\s*$"
)
_AFTER_WORD = re.compile(r"[^\W\d_],? $")
_PHONE_BEFORE = re.compile(r"(?i:phone|mobile|cell|tel|landline|whatsapp)\W+(?:\w+\W+){0,2}$")
_NUMBER = re.compile(
    # Codes that need no keyword: NI numbers ("QQ 12 34 56 C"), SSNs, UK number plates, and
    # "LICSW 30914". The lookahead lets the engine pass over most positions at once.
    r"(?=[A-Z\d])(?:\b([A-Z]{2}(?: ?\d\d){3} ?[A-D]|\d{3}-\d{2}-\d{4}|[A-Z]{2}\d{2} ?[A-Z]{3})\b"
    r"|\b([A-Z]{2,6}(?:-[A-Z]{2,6})? #?\d{4,})\b"
    # A bare run of six or more digits that is no price, phone number or measurement.
    r"|(?<![\d£$€.,+-])\b([1-9]\d{5,})\b(?![.,]\d|\s*(?:%|km|miles|pounds|dollars|euros)))"
)
# Capitals and digits run together, maybe with dots, hyphens or slashes: "KLP482",
# "ABC.0012345", "CR-2023-001234". Which of them are references is settled in code.
_MIXED = re.compile(
    r"(?<![\w.-])(?=[A-Z0-9./-]*[A-Z])(?=[A-Z0-9./-]*\d)[A-Z0-9]+(?:[./-][A-Z0-9]+)*(?![\w-]|\.\w)"
)
# Shapes of things that are no one's number: a scale or its version ("PHQ-9", "COVID-19",
# "SCL-90-R", "DSM-5-TR"), a diagnosis code ("F43.10") and a decade ("1990S").
_NOT_A_REFERENCE = re.compile(
    r"[A-Z]{2,6}-\d{1,3}(?:-[A-Z]{1,3})?|[A-Z]\d\d(?:\.\d{1,2})?|(?:19|20)\d\dS"
)
_SHORTEST_REFERENCE = 5


def find_codes(text: str) -> Iterator[Finding]:
    """ID numbers in the text."""
    for match in _NUMBER.finditer(text):
        group = next(g for g in range(1, _NUMBER.groups + 1) if match.group(g))
        if not _state_and_zip(text, match.start(group), match.group(group)):
            yield make_finding(text, match.start(group), match.end(group), "number")
    for match in _MIXED.finditer(text):
        if _reference(match.group(0)):
            yield make_finding(text, match.start(), match.end(), "number")
    for match in _CODE.finditer(text):
        keyword = _KEYWORD_BEFORE.search(text, max(0, match.start() - 45), match.start())
        # "her phone number is 07700 900123" is a phone number, found as one elsewhere.
        if keyword and not _PHONE_BEFORE.search(text, max(0, keyword.start() - 30), keyword.end()):
            yield make_finding(text, match.start(), match.end(), "number")


def _reference(code: str) -> bool:
    """Whether capitals and digits make a reference: "KLP482", not "PHQ-9" or "SW1A"."""
    characters = code.replace(".", "").replace("-", "").replace("/", "")
    digits = sum(c.isdigit() for c in characters)
    if len(characters) < _SHORTEST_REFERENCE or digits < 2:
        return False
    return not _NOT_A_REFERENCE.fullmatch(code)


def _state_and_zip(text: str, start: int, code: str) -> bool:
    """Whether "NY 11209" after a town is a state and its ZIP, not a reference number."""
    letters, _, digits = code.partition(" ")
    after_town = bool(_AFTER_WORD.search(text, max(0, start - 3), start))
    return after_town and len(digits) in (4, 5) and is_state_code(letters)
