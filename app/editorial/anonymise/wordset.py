"""Frozen word sets kept as tables of hashes: a tenth of the memory of a set of strings."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

_FIRST_SIZE = 1 << 17


class WordScores:
    """A small score (1 to 255) for each word, without keeping the words: 18 bytes a word."""

    __slots__ = ("_count", "_mask", "_scores", "_slots")

    def __init__(self, scores: Iterable[tuple[str, int]]) -> None:
        # hash() is salted per process, and each table is built in the process that asks it.
        # Words arrive one at a time and go straight into an open-addressed table, so loading
        # leaves no heap of small objects behind to fragment the worker's memory.
        self._slots, self._scores = _empty(_FIRST_SIZE)
        self._mask, self._count = _FIRST_SIZE - 1, 0
        for word, score in scores:
            self._add(hash(word) or 1, score)

    def get(self, word: str, default: int = 0) -> int:
        """The word's score, or the default for a word not scored."""
        i = self._find(hash(word) or 1)
        return self._scores[i] if i >= 0 else default

    def __contains__(self, word: object) -> bool:
        return self._find(hash(word) or 1) >= 0

    def __len__(self) -> int:
        return self._count

    def _find(self, key: int) -> int:
        """The slot holding the key, or -1."""
        slots, mask = self._slots, self._mask
        i = key & mask
        while found := slots[i]:
            if found == key:
                return i
            i = (i + 1) & mask
        return -1

    def _add(self, key: int, score: int) -> None:
        """Put a key in its slot, or the next free one, doubling the table when half full."""
        slots, mask = self._slots, self._mask
        i = key & mask
        while slots[i] and slots[i] != key:
            i = (i + 1) & mask
        if not slots[i]:
            slots[i], self._scores[i] = key, score
            self._count += 1
            if self._count * 2 > len(slots):
                self._grow()

    def _grow(self) -> None:
        """Move every key into a table twice the size."""
        old = zip(self._slots, self._scores, strict=True)
        size = len(self._slots) * 2
        self._slots, self._scores = _empty(size)
        self._mask, self._count = size - 1, 0
        for key, score in old:
            if key:
                self._add(key, score)


class WordSet(WordScores):
    """A set of words that answers `in` alone."""

    __slots__ = ()

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__((w, 1) for w in words)


def _empty(size: int) -> tuple[array[int], bytearray]:
    """A table of empty slots (0) and their scores."""
    return array("q", [0]) * size, bytearray(size)
