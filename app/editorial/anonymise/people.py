"""Whether capitalised words are a person's name, a place, or ordinary words at a sentence start."""

from __future__ import annotations

import re

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.dates import MONTH_NAMES
from app.editorial.anonymise.model import Finding, make_finding
from app.editorial.anonymise.vocabulary import (
    EPONYMS,
    METHOD_TAILS,
    PLACE_PREPOSITIONS,
    RELATIONS,
    SEASONS,
    SUBJECT_VERBS,
    THEORISTS,
    TIME_WORDS,
)
from app.editorial.anonymise.words import Word

_RELATION = "|".join(sorted(RELATIONS))
# A name given as one: known as "Bunny", calls herself 'Mags', my client Hope, a girl named Grace.
_NAMING = re.compile(
    r"(?:known as|goes by|go by|calls? (?:him|her|them|me)(?:self|selves)?|nicknamed|named"
    rf"|called|name is|(?:^|\W)(?:{_RELATION}),?)\s+[\"“‘']?$",
    re.IGNORECASE,
)
# A name followed by who it is: "Rose, their daughter,", "Dawn, who is in her seventies".
_APPOSITION = re.compile(
    rf",? (?:(?:my|his|her|their|our|your|the|a|an) (?:[\w-]+ )?(?:{_RELATION})\b|who\b)",
    re.IGNORECASE,
)
_IS_A_PERSON = re.compile(
    rf" (?:is|was|has been) (?:a|an|my|our|the|his|her|their) (?:[\w-]+ ){{0,2}}(?:{_RELATION})\b"
)
_SURNAME_AFTER = re.compile(r" [A-Z][a-z]")
_PERFECT = re.compile(
    r" (?:has|had|is|was|will|would) (?:been |not |never |just |also )?[a-z]+(?:ed|en|ing)\b"
)
# "a grey Honda", "the Bible": an article before a capitalised word makes it a thing.
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|this|our|my|your)(?: [a-z]+)? $", re.IGNORECASE)
_LOWER_WORD_AFTER = re.compile(r" [a-z]{3,}\b(?! (?:me|him|her|them|us)\b)")
_PLATFORM_BEFORE = frozenset(("on", "via", "over", "through", "using", "use"))
_WORDY_NAME = 35  # a dictionary word rarer than this that is also a first name ("Yaw")


def names_and_places(text: str, run: list[Word]) -> list[Finding]:
    """The names and places in a run that no title, street or workplace word has settled."""
    found: list[Finding] = []
    segment: list[Word] = []
    for word in [*run, None]:
        if word is not None and not _never_identifying(text, word):
            segment.append(word)
            continue
        while segment and segment[0].sentence_start and not _name_at_start(text, segment[0]):
            segment = segment[1:]
        if segment:
            found += _name_or_place(text, segment, alone=len(run) == 1)
        segment = []
    return found


def _never_identifying(text: str, word: Word) -> bool:
    """A stop word, an eponym ("Asperger's"), or a month or season that is not someone's name."""
    if word.core in MONTH_NAMES or word.core in SEASONS:
        if word.possessive:
            return False  # "on June's behalf"
        if not word.given_name or word.before in TIME_WORDS:
            return True
        surname = bool(_SURNAME_AFTER.match(text, word.end))
        return not (_named(text, word) or _subject(text, word) or surname or word.possessive)
    eponym = word.core in EPONYMS and (word.possessive or word.after in ("syndrome", "disease"))
    article = word.lower in ("the", "a", "an")  # "The Bible", mid-sentence in a title
    return word.stop or word.brand or eponym or article or _method(text, word)


def _method(text: str, word: Word) -> bool:
    """A theorist standing for a method: "Winnicott", "Gottman-based", "Rogerian warmth"."""
    first, _, tail = word.core.partition("-")
    if word.core in THEORISTS or first in THEORISTS or tail in METHOD_TAILS:
        return True
    # An adjective made from a surname, before what it describes: "a Bowenian frame".
    if not word.core.endswith(("ian", "ean", "esque")) or word.given_name or word.place:
        return False
    return bool(_LOWER_WORD_AFTER.match(text, word.end)) and word.after not in SUBJECT_VERBS


def _name_or_place(text: str, segment: list[Word], alone: bool) -> list[Finding]:
    """A name or a place in a run of capitalised words, or nothing."""
    first, last = segment[0], segment[-1]
    phrase = text[first.start : last.end]
    if len(segment) > 1 and phrase in lexicon.nations():
        return []  # "South America", "New Zealand": though America and Zealand are names
    by_place = first.before in PLACE_PREPOSITIONS
    article = _ARTICLE_BEFORE.search(text, max(0, first.start - 20), first.start)
    # "a grey Honda" is a car, though Honda is a town; "the Bronx" is still a place.
    if article is None or article.group(0).lower().startswith("the"):
        if phrase in lexicon.place_names() and (
            by_place or not first.given_name or len(segment) > 1
        ):
            return [_span(text, first, last, "place")]
        # "Victor Mendoza" is a person though Mendoza is a city: a first name comes first.
        unnamed = [w for w in segment if w.place and not w.ordinary and not w.given_name]
        if (by_place and first.place) or (unnamed and not first.given_name):
            return [_span(text, first, last, "place")]
    named = _named(text, first)
    if named or (article is None and any(_looks_like_name(text, w) for w in segment)):
        kind = "place" if by_place and not named and not first.given_name else "name"
        return [_span(text, first, last, kind)]
    if alone and article is None and _capitalised_word_as_name(text, first):
        return [_span(text, first, last, "name")]
    return []


def _looks_like_name(text: str, word: Word) -> bool:
    """A first name, or a rare word no dictionary knows, written as names are."""
    if word.sentence_start:
        return _name_at_start(text, word)
    return word.given_name or (word.rare and len(word.core) > 2)


def _capitalised_word_as_name(text: str, word: Word) -> bool:
    """A dictionary word with a capital mid-sentence, as people are: "Blessing said", "Yaw's"."""
    if word.sentence_start or not word.ordinary or word.before in _PLATFORM_BEFORE:
        return False
    return word.possessive or _subject(text, word)


def _name_at_start(text: str, word: Word) -> bool:
    """Whether a capitalised word at the start of a sentence is a name rather than a word."""
    if word.ordinary:
        # "Hope said", "Will's mother", "Rose, their daughter": a subject, an owner, a person.
        if not word.given_name:
            return False
        return (
            word.possessive
            or word.zipf < _WORDY_NAME
            or _subject(text, word, strict=True)
            or _surname(text, word)
        )
    return word.given_name or word.place or (word.rare and len(word.core) > 2)


def _surname(text: str, word: Word) -> bool:
    """Whether a capitalised word that is no dictionary word follows: "June Castillo"."""
    following = _SURNAME_AFTER.match(text, word.end)
    return following is not None and word.after not in lexicon.ordinary_words()


def _subject(text: str, word: Word, strict: bool = False) -> bool:
    """Whether the word is followed by what a person does: "June said", "Grace joined"."""
    if word.after in SUBJECT_VERBS or _APPOSITION.match(text, word.end):
        return True
    if _PERFECT.match(text, word.end) or _IS_A_PERSON.match(text, word.end):
        return True  # "Hope has been coming to me", "Will was shouting", "Will is a client"
    # Any past tense will do mid-sentence, where the capital already says "name"; a sentence's
    # first word needs a verb only people do, since "Joy filled the room" is about joy.
    return not strict and word.after.endswith("ed") and word.after in lexicon.ordinary_words()


def _named(text: str, word: Word) -> bool:
    """Whether the letter introduces the word as a name: "my client Hope", "known as 'Bee'"."""
    return bool(_NAMING.search(text, max(0, word.start - 30), word.start)) or bool(
        word.possessive and word.given_name and not word.sentence_start
    )


def _span(text: str, first: Word, last: Word, kind: str) -> Finding:
    return make_finding(text, first.start, last.end, kind)
