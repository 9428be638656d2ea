"""Synthetic text for the benchmark: our own words, shuffled; nothing is copied from anywhere."""

from __future__ import annotations

import random

COMMON_WORDS = """
the a and of to in that it is was for on with as at by from this be have not but or are
my our your their his her we they you he she i me us them one two some every each more most
client clients session sessions therapist counsellor practice supervision supervisor boundary
boundaries consent record records notes fee fees ending endings referral risk safety trust
apology mistake question answer letter family friend colleague partner parent child teacher
week month year hour time room door phone message email office waiting list contract plan
feel felt think thought know knew want wanted ask asked tell told said say keep kept stop
start end leave left stay stayed write wrote read call called meet met help helped worry
careful honest kind clear hard difficult quiet small large early late first last next old new
because when while after before since though although if whether again still only also just
"""
SYLLABLE_TEXT = """
ba be bi bo bu da de di do du fa fe fi fo ga ge gi go ka ke ki ko la le li lo lu ma me mi mo
mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze
"""
COMMON, SYLLABLES = COMMON_WORDS.split(), SYLLABLE_TEXT.split()
ENDINGS = ["n", "r", "l", "s", "th", "nd", "rk", "st", "m", ""]
PEN_NAMES = [
    "Tired at Ten",
    "Him or Me",
    "Ledger and Conscience",
    "Second Thoughts",
    "Out of My Depth",
    "Quiet in Leeds",
    "Wondering in Wales",
    "New to This",
    "Late Again",
    "Split Loyalties",
]
BYLINES = ["Dr. Ines Halloran", "Sam Okafor", "Marguerite Lanz", "Theo Abernethy"]


class TextMaker:
    """Sentences made once from a Zipf-weighted vocabulary, then drawn at random, so that a
    hundred thousand articles cost seconds while word frequencies stay realistic for search."""

    def __init__(self, seed: int = 1, rare_words: int = 4000, sentences: int = 6000) -> None:
        self.rng = random.Random(seed)
        self.rare = sorted({self._pseudo_word() for _ in range(rare_words)})
        vocabulary = COMMON + self.rare
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.sentences = [
            self._sentence(vocabulary, weights, self.rng.randint(8, 22)) for _ in range(sentences)
        ]

    def _pseudo_word(self) -> str:
        parts = self.rng.choices(SYLLABLES, k=self.rng.randint(2, 3))
        return "".join(parts) + self.rng.choice(ENDINGS)

    def _sentence(self, vocabulary: list[str], weights: list[float], length: int) -> str:
        words = self.rng.choices(vocabulary, weights=weights, k=length)
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraphs(self, count: int, per_paragraph: tuple[int, int] = (3, 6)) -> list[str]:
        """`count` paragraphs of random sentences."""
        return [
            " ".join(self.rng.choices(self.sentences, k=self.rng.randint(*per_paragraph)))
            for _ in range(count)
        ]

    def title(self) -> str:
        words = self.rng.choices(COMMON[40:], k=self.rng.randint(4, 8))
        return " ".join(words).capitalize()

    def search_queries(self, count: int) -> list[str]:
        """Queries of one or two mid-frequency words: each matches some, never all, columns."""
        middle = self.rare[: len(self.rare) // 2]
        return [" ".join(self.rng.sample(middle, k=1 if i % 2 else 2)) for i in range(count)]


def markdown_and_html(paragraphs: list[str]) -> tuple[str, str]:
    """The same paragraphs as Markdown and as the HTML the renderer would store (plain words
    need no escaping)."""
    return "\n\n".join(paragraphs), "\n".join(f"<p>{p}</p>" for p in paragraphs) + "\n"
