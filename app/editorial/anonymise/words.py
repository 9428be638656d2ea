"""The letter as capitalised words and runs of them, with what the word lists say of each."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from app.editorial.anonymise import lexicon
from app.editorial.anonymise.vocabulary import CLOSED_CLASS, NAME_PARTICLES, STOP_WORDS, TITLES

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_POSSESSIVE = re.compile(r"['’](?:s\b|(?=\s))")
# What may come before a word that starts a sentence: the start, an end stop, a line break,
# then spaces, quotes, brackets, dashes or list bullets.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]|\s[\"“‘'])[\s\"“”‘'(\[*_•–—>#-]*$")
_CONTRACTION = re.compile(r"['’](?:m|d|ve|ll|re|t)$")
_ABBREVIATED = TITLES | {"St", "Mt", "Co"}
# Surname prefixes whose capital inside a word still belongs to a name (McDonald, O'Brien).
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O['’]|D['’]|De|Di|Da|Du|La|Le|Van|Von|Fitz)[A-Z]")
_RARE = 30  # ten times a Zipf frequency of 3: once per million words


@dataclass(eq=False, slots=True)
class Word:
    """A word of the letter, its neighbours, and what the word lists know of it."""

    start: int
    end: int
    core: str  # the word without a possessive 's
    possessive: bool
    sentence_start: bool
    before: str  # the lower-case word before it, if any
    after: str  # the lower-case word after it, if any
    lower: str  # the word in lower case, as the frequency list and the dictionary have it
    capitalised: bool  # whether the word starts with a capital

    @property
    def stop(self) -> bool:
        """A word that never identifies: a month, a holiday, an acronym, a brand like WhatsApp."""
        return (
            self.core in STOP_WORDS
            or self.lower in CLOSED_CLASS
            or self.core in lexicon.nationalities()
            or (not self.core.isascii() and _unaccented(self.core) in lexicon.nationalities())
            or self.core.split("-")[0].isupper()
            or (self.core.endswith("s") and self.core[:-1].isupper())  # GCSEs, SSRIs
            or _CONTRACTION.search(self.core) is not None
        )

    @property
    def brand(self) -> bool:
        """WhatsApp, YouTube, TikTok: a capital inside a word, as brands are written."""
        return _camel_case(self.core)

    @property
    def ordinary(self) -> bool:
        """A dictionary word normally written in lower case ("hope", "will", "face-down")."""
        ordinary = lexicon.ordinary_words()
        return self.lower in ordinary or all(p in ordinary for p in self.lower.split("-"))

    @property
    def rare(self) -> bool:
        """Neither a dictionary word nor a word seen once in a million."""
        zipf = lexicon.word_zipf()
        return not self.ordinary and any(zipf.get(p, 0) < _RARE for p in self.lower.split("-"))

    @property
    def zipf(self) -> int:
        """Ten times the word's Zipf frequency, 0 when rarer than the list goes."""
        return lexicon.word_zipf().get(self.lower, 0)

    @property
    def given_name(self) -> bool:
        """A first name: "Sarah", "Jean-Paul", "Mary-Kate" (but not "Twenty-five")."""
        names, parts = lexicon.given_names(), self.core.split("-")
        if self.core in names or _unaccented(self.core) in names:
            return True  # "Siobhán" is listed as "Siobhan"
        return parts[0] in names and all(p[:1].isupper() for p in parts)

    @property
    def place(self) -> bool:
        """Whether a town, county, state or borough has this name."""
        return self.core in lexicon.place_names()


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _camel_case(word: str) -> bool:
    """WhatsApp, YouTube: a capital inside a word, but not McDonald, O'Brien or Smith-Jones."""
    inner = re.search(r"(?<=[a-z])[A-Z]", word)
    return inner is not None and not _NAME_PREFIX.match(word)


def words_of(text: str) -> list[Word]:
    """Every word of the text, with its neighbours and whether it starts a sentence."""
    spans = []
    for match in _WORD.finditer(text):
        start, end, core = match.start(), match.end(), match.group(0)
        if core.endswith(("'s", "’s")):
            core, end, possessive = core[:-2], end - 2, True
        else:
            possessive = text[end : end + 1] in ("'", "’") and bool(_POSSESSIVE.match(text, end))
        spans.append((start, end, core, core.lower(), possessive))
    # Whether each word and the next belong to one clause: only spaces between them.
    joined = [not text[s[1] : t[0]].strip(" '’") for s, t in itertools.pairwise(spans)]
    joined.append(False)
    found, before = [], ""
    for i, (start, end, core, lower, possessive) in enumerate(spans):
        after = spans[i + 1][3] if joined[i] else ""
        capitalised = core[0].isupper()
        # Only a capital needs explaining, so only capitalised words are checked (it is costly).
        at_start = capitalised and bool(_SENTENCE_START.search(text, max(0, start - 12), start))
        found.append(
            Word(start, end, core, possessive, at_start, before, after, lower, capitalised)
        )
        before = lower if joined[i] else ""
    return found


def runs_of_capitals(text: str, words: list[Word]) -> list[list[Word]]:
    """Runs of capitalised words on one line ("Jo Marsh", "St. Mary's", "Ruth de Souza")."""
    runs: list[list[Word]] = []
    current: list[Word] = []
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        particle = (
            word.core in NAME_PARTICLES
            and current
            and following is not None
            and following.capitalised
            and _adjacent(text, word, following)
        )
        if (word.capitalised and not word.core.isupper()) or particle:
            if current and not _adjacent(text, current[-1], word):
                runs.append(current)
                current = []
            current.append(word)
            if word.possessive:
                runs.append(current)
                current = []
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _adjacent(text: str, left: Word, right: Word) -> bool:
    """Whether two words stand side by side: one space, or "St. " and "Dr. " before a name."""
    gap = text[left.end : right.start]
    if left.possessive:
        return False
    return gap == " " or (gap == ". " and left.core in _ABBREVIATED)
