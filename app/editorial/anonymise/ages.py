"""Ages: "a thirty-four-year-old", "her son, 7,", "she is 15", "at 25 he left", "in her sixties"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.vocabulary import (
    AGE_EVENTS,
    CLOSED_CLASS,
    PERSON_NOUNS,
    RELATIONS,
    SUBJECT_PRONOUNS,
)

UNIT_WORDS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = "|".join(UNIT_WORDS[1:])
_TENS = "|".join(TEN_WORDS)
NUMBER_WORDS = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|{_UNITS}|a hundred)"
_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ])?(?:first|second|third"
    r"|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|\w+teenth|\w+tieth"
)
# A number that could be an age, but not a price, a time, a decimal, a code or a range. The
# lookahead on the first letter lets the engine skip most positions quickly.
_NUMBER = re.compile(
    rf"(?<![\w£$€#.,/:+-])(?=[\dOoTtFfSsEeNnAa])(?:\d{{1,3}}|(?i:{NUMBER_WORDS}))"
    r"(?![\w/%]|[.,:]\d)"
)
# What follows a number to make it an age by itself: "34-year-old", "40-something", "7 y/o".
_SUFFIX = re.compile(
    r"[- ](?:years?|yrs?|months?|weeks?)[- ]old\b|[- ](?:something|odd|ish)\b"
    r"| ?(?:yo|y/o|y\.o\.|yrs? old)(?!\w)"
)
# What a bare age is followed by: a stop, a conjunction or a time, never a noun ("15 minutes").
_AFTER_AGE = re.compile(
    r"\s*(?:[.,;:!?)\]—–\"”’']|-(?!\w)|$)|\s+(?:and|but|or|so|now|then|when|while|because|as"
    r"|at|in|on|over|during|by|before|after|this|that|last|next|today|yesterday|soon|recently"
    r"|already|yet|himself|herself|themselves|myself|going|with|without|until|since|though"
    r"|although|if|who|whose|he|she|they|I)\b"
)
_AND_NUMBER = re.compile(rf"\s+and\s+(?:\d{{1,2}}|(?i:{NUMBER_WORDS}))\b")
_AGED = re.compile(
    r"\b(?i:aged?|age:|ages|at the age of|from the age of|by the age of|the age of|age of)\s+$"
)
# "she is", "Grace turned", "his daughter, now", "who's", "and is": a person, then a copula.
_COPULA = re.compile(
    r"(?:^|(?<=[^\w'’]))([^\W\d_][\w'’-]*?),?(?:['’]s| is| was| turned| turns| turning"
    r"| will be| would be| would have been| has just turned| had just turned| has turned"
    r"| had turned| just turned)(?: (?:now|only|just|nearly|almost|barely|about|already|still))?"
    r"\s+$"
)
_TURNED = re.compile(r"(?:\b(?i:turned|turns|turning|(?:she|he)['’]?s)|\) (?:is|was))\s+$")
# "a woman of 40", "a retired postman of 81": a person (or someone's job, "-man"), then "of".
_PERSON_OF = re.compile(
    rf"\b(?i:a|an|the|this|one|another)(?: [\w-]+)? (?:{'|'.join(PERSON_NOUNS)}"
    r"|\w+(?:man|woman|person))s? of\s+$"
)
_DURATION = re.compile(r"\s+(?:years?|yrs?|months?|weeks?|days?|hours?|minutes?|sessions?)\b")
_HEDGE = r"(?:(?:maybe|about|around|roughly|probably|nearly|almost|only|just|now) )?"
# "Kacper, 7,", "a hairdresser, 33,", "my client's son, 7;": a number in apposition.
_APPOSED = re.compile(
    r"(?:\b(?i:a|an|the|my|his|her|their|our|your)(?: [\w'’-]+){1,3}|([^\W\d_][\w'’-]*)),\s+"
    rf"{_HEDGE}$"
)
_AFTER_APPOSED = re.compile(r"(?=\s*[,);]|\.\s|\.?$|\s+and\s+\d)")
_NAME_IN_BRACKETS = re.compile(r"(?<![.!?:\n] )(?<!\n)\b([^\W\d_][\w'’-]*) \($")
_AT = re.compile(r"\b[Aa]t\s+$")
_SENTENCE_SO_FAR = re.compile(r"[^.!?\n]*$")
_PERSON_AFTER = re.compile(r",?\s+(?:(?i:he|she|they|i|we)\b|[A-Z][^\W\d_]+ (?:was|had|is)\b)")
_WORD = re.compile(r"[a-z]+")
_TEEN = 13
# Ages given as a span or a birthday, found by their last word and read backwards.
_SPAN_END = re.compile(
    r"(?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|teens|[1-9]0'?s"
    r"|birthday)\b"
)
_DECADE_BEFORE = re.compile(
    r"\b(?i:in|into|to|reach(?:ed|ing)?)\s+(?:her|his|their|my|your|our)\s+"
    r"(?:(?:early|mid|late)[- ]?)?$"
)
_ORDINAL_BEFORE = re.compile(rf"\b(?:\d{{1,3}}(?:st|nd|rd|th)|(?i:{_ORDINAL_WORDS})) $")
_WINDOW = 60


def find_ages(text: str) -> Iterator[Finding]:
    """Ages in the text, marked as the number alone where only the number says it."""
    for match in _NUMBER.finditer(text):
        span = _age_span(text, match.start(), match.end())
        if span is not None:
            yield make_finding(text, *span, "age")
    for match in _SPAN_END.finditer(text):
        window = max(0, match.start() - 40)
        birthday = match.group(0) == "birthday"
        context = _ORDINAL_BEFORE if birthday else _DECADE_BEFORE
        before = context.search(text, window, match.start())
        if before:
            yield make_finding(text, before.start(), match.end(), "age")


def number_value(words: str) -> int | None:
    """The value of "34", "seven", "thirty-four" or "a hundred"."""
    if words.isdigit():
        return int(words)
    parts = re.split(r"[- ]+", words.lower())
    if parts == ["a", "hundred"]:
        return 100
    tens = 20 + 10 * TEN_WORDS.index(parts[0]) if parts[0] in TEN_WORDS else 0
    unit = parts[-1] if not tens or len(parts) > 1 else "zero"
    return tens + UNIT_WORDS.index(unit) if unit in UNIT_WORDS else None


def _age_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the age around this number is, or None when the number is no age."""
    value = number_value(text[start:end])
    if value is None or not 1 <= value <= 110:
        return None
    suffix = _SUFFIX.match(text, end)
    if suffix:
        return start, suffix.end()
    window = max(0, start - _WINDOW)
    aged = _AGED.search(text, window, start)
    if aged:
        more = _AND_NUMBER.match(text, end)
        return aged.start(), more.end() if more else end
    if _AFTER_AGE.match(text, end) and _said_of_a_person(text, window, start):
        return start, end
    if _PERSON_OF.search(text, window, start) and not _DURATION.match(text, end):
        return start, end
    if _apposed(text, window, start, end):
        return start, end
    if text[start:end].isdigit() and text.startswith(")", end):
        name = _NAME_IN_BRACKETS.search(text, window, start)
        return (start, end) if name and _capitalised(name.group(1)) else None
    return (start, end) if _at_an_age(text, window, start, end, value) else None


def _said_of_a_person(text: str, window: int, start: int) -> bool:
    """Whether a person and a copula come just before: "she is", "Grace turned", "who's"."""
    copula = _COPULA.search(text, window, start)
    if copula:
        subject = copula.group(1)
        lower = subject.lower()
        if lower in SUBJECT_PRONOUNS or lower in RELATIONS or lower[:-1] in RELATIONS:
            return True
        if _capitalised(subject) and lower not in CLOSED_CLASS:
            return True
    return bool(_TURNED.search(text, window, start))


def _apposed(text: str, window: int, start: int, end: int) -> bool:
    """Whether the number stands beside a person: "Kacper, 7,", "a widow, 58,"."""
    apposed = _APPOSED.search(text, window, start)
    if apposed is None or not _AFTER_APPOSED.match(text, end):
        return False
    word = apposed.group(1)
    return word is None or word.lower() in RELATIONS or _capitalised(word)


def _at_an_age(text: str, window: int, start: int, end: int, value: int) -> bool:
    """ "At 16 she was sent away", "diagnosed at 57.": an age, where "at 7, she" is a time."""
    if not _AT.search(text, window, start):
        return False
    if value >= _TEEN and _PERSON_AFTER.match(text, end):
        return True
    sentence = _SENTENCE_SO_FAR.search(text, max(0, start - 120), start)
    words = set(_WORD.findall(sentence.group(0).lower())) if sentence else set()
    return bool(words & AGE_EVENTS) and bool(_AFTER_AGE.match(text, end))


def _capitalised(word: str) -> bool:
    """Written as names are: "Grace", not "grace" or "CBT"."""
    return word[:1].isupper() and not word.isupper()
