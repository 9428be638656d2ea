"""One-click replacements an editor can put in place of a finding: "my client", "a nearby town"."""

from __future__ import annotations

import re

from app.editorial.anonymise.ages import NUMBER_WORDS, TEN_WORDS, number_value
from app.editorial.anonymise.dates import MONTH_NAMES
from app.editorial.anonymise.model import Finding
from app.editorial.anonymise.vocabulary import STREET_WORDS, TITLES


def _split(words: str) -> list[str]:
    return words.split()


_FIXED = {
    "phone": ["[phone number removed]", "their phone number"],
    "email": ["[email address removed]", "their email address"],
    "url": ["[link removed]", "their website", "their social media account"],
    "handle": ["their social media account", "[handle removed]"],
    "postcode": ["[postcode removed]", "the area"],
    "number": ["[number removed]", "[reference removed]"],
}
_ROLES = {
    "Dr": "the doctor",
    "Doctor": "the doctor",
    "Prof": "the professor",
    "Professor": "the professor",
    "Father": "the priest",
    "Fr": "the priest",
    "Rabbi": "the rabbi",
    "Imam": "the imam",
    "Pastor": "the pastor",
    "Rev": "the minister",
    "Reverend": "the minister",
    "Sister": "the sister",
    "Coach": "the coach",
    "Judge": "the judge",
}
_WORKPLACES = [
    ("clinic hospital surgery practice infirmary medical health hospice centre center", "clinic"),
    ("school academy primary secondary high elementary nursery kindergarten preschool", "school"),
    ("university college institute", "college"),
    ("church chapel cathedral parish", "church"),
    ("mosque", "mosque"),
    ("synagogue", "synagogue"),
    ("temple gurdwara", "temple"),
]
_SEASONS = {
    **dict.fromkeys(["Dec", "December", "Jan", "January", "Feb", "February"], "winter"),
    **dict.fromkeys(["Mar", "March", "Apr", "April", "May"], "spring"),
    **dict.fromkeys(["Jun", "June", "Jul", "July", "Aug", "August"], "summer"),
    **dict.fromkeys(["Sep", "Sept", "September", "Oct", "October", "Nov", "November"], "autumn"),
}
_DECADES = _split("teens twenties thirties forties fifties sixties seventies eighties nineties")
_NUMBER = re.compile(rf"\d+|\b{NUMBER_WORDS}\b", re.IGNORECASE)
_DECADE_PHRASE = re.compile(r"\b(?:in|into|to|reach\w*) (\w+) (?:(?:early|mid|late)[- ]?)?(\w+)")


def suggest_replacements(finding: Finding) -> list[str]:
    """Two to four generic phrases an editor could put in place of the finding."""
    if finding.kind in _FIXED:
        return list(_FIXED[finding.kind])
    suggest = {
        "name": _for_name,
        "place": _for_place,
        "workplace": _for_workplace,
        "age": _for_age,
        "date": _for_date,
    }[finding.kind]
    return suggest(finding.text)


def _for_name(text: str) -> list[str]:
    words = [w.rstrip(".") for w in text.split()]
    title = words[0].capitalize() if len(words) > 1 else ""
    if title not in TITLES:
        return ["my client", "a colleague", "a friend", f"{words[0][0].upper()}."]
    initial = f"{title} {words[-1][0].upper()}."
    if title in _ROLES:
        return [_ROLES[title], "a colleague", initial]
    return ["my client", "a colleague", initial]


def _for_place(text: str) -> list[str]:
    if any(word.rstrip(".,") in STREET_WORDS for word in text.split()[1:]):
        return ["a street nearby", "a nearby road", "their street"]
    if re.search(r"\b(?:County|Co\.?)\s|shire\b|\bCounty\b", text):
        return ["a nearby county", "the region", "the area"]
    return ["a nearby town", "a city", "the area"]


def _for_workplace(text: str) -> list[str]:
    lowered = text.lower()
    for keywords, generic in _WORKPLACES:
        if any(re.search(rf"\b{k}\b", lowered) for k in keywords.split()):
            return [f"a local {generic}", f"their {generic}", "their workplace"]
    return ["their workplace", "a local business", "a local employer"]


def _for_age(text: str) -> list[str]:
    decade = _DECADE_PHRASE.search(text)
    if decade and decade.group(2) in _DECADES:
        pronoun, span = decade.group(1), decade.group(2)
        return [f"in {pronoun} {span}", _life_stage(span)]
    years = _age_in_years(text)
    if "birthday" in text:
        return ["birthday", "milestone birthday"]
    if years is None:
        return ["an adult", "a young person"]
    if re.search(r"year|yr|month|week|something", text):
        return _age_as_adjective(years)
    if years < 5:
        return ["a toddler", "very young"]
    if years < 12:
        return ["of primary-school age", "a child of primary-school age", "young"]
    if years < 18:
        return ["a teenager", "in her teens", "in his teens"]
    span = _DECADES[min(years // 10, 9) - 1]
    part = ("early ", "mid-", "late ")[min(years % 10 // 4, 2)]
    return [f"in her {span}", f"in his {span}", f"in their {part}{span}"]


def _age_as_adjective(years: int) -> list[str]:
    """What fits "a 34-year-old nurse": "a thirty-something nurse", "a young nurse"."""
    if years < 5:
        return ["very young", "preschool-age"]
    if years < 12:
        return ["primary-school-age", "school-age", "young"]
    if years < 18:
        return ["teenage", "school-age", "young"]
    tens = min(years // 10, 9)
    stage = "young" if tens < 4 else "middle-aged" if tens < 6 else "older"
    return [f"{TEN_WORDS[tens - 2]}-something", stage]


def _life_stage(decade: str) -> str:
    """A broader phrase for "in her late sixties": "in later life"."""
    index = _DECADES.index(decade)
    if index == 0:
        return "young"
    return "in early adulthood" if index < 3 else "in middle age" if index < 5 else "in later life"


def _age_in_years(text: str) -> int | None:
    """The number in an age: 34 in "34-year-old", 41 in "forty-one"."""
    number = _NUMBER.search(text)
    return number_value(number.group(0)) if number else None


def _for_date(text: str) -> list[str]:
    month = next((w for w in re.findall(r"[A-Z][a-z]+", text) if w in MONTH_NAMES), None)
    if month:
        season = _SEASONS[month]
        return [f"one day last {season}", f"a day in {season}", "that month"]
    if re.fullmatch(r"\d{4}", text):
        return ["a few years ago", "some years ago", "that year"]
    return ["one day", "that month", "a few years ago"]
