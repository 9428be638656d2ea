"""How much of the development set's identifying detail the aid finds, and how little else."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.editorial.anonymise import KIND_LABELS, find_identifying_details

DATASET = Path(__file__).parent / "data" / "identifying_details.yaml"
MIN_RECALL = 0.97
MIN_KIND_RECALL = 0.9
MAX_FALSE_ALARMS_PER_LETTER = 0.25
SHOWN = 30


@dataclass
class Tally:
    letters: int = 0
    details: int = 0
    occurrences: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    marked_controls: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    def recall(self, kind: str | None = None) -> float:
        total = self.occurrences[kind] if kind else sum(self.occurrences.values())
        hits = self.found[kind] if kind else sum(self.found.values())
        return hits / total if total else 1.0


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score_letter(tally: Tally, letter: dict[str, Any]) -> None:
    text, lid = letter["text"], letter["id"]
    findings = [(f.start, f.end) for f in find_identifying_details(text)]
    planted: dict[tuple[int, int], str] = {}
    for detail in letter["details"]:
        spans = _spans(text, detail["text"])
        if not spans:
            tally.absent.append(f"{lid}: detail {detail['text']!r} is not in the letter")
        for span in spans:
            planted.setdefault(span, detail["kind"])
    tally.details += len(letter["details"])
    for span, kind in planted.items():
        tally.occurrences[kind] += 1
        if any(_overlaps(span, f) for f in findings):
            tally.found[kind] += 1
        else:
            tally.missed.append(f"{lid}: {kind} {text[span[0] : span[1]]!r}")
    for f in findings:
        if not any(_overlaps(f, span) for span in planted):
            tally.false_alarms.append(f"{lid}: {text[f[0] : f[1]]!r}")
    for control in letter.get("controls") or []:
        # A control inside a planted detail ("March" in "12 March") is that detail's to mark.
        spans = [s for s in _spans(text, control) if not any(_within(s, p) for p in planted)]
        if not _spans(text, control):
            tally.absent.append(f"{lid}: control {control!r} is not in the letter")
        if any(_overlaps(s, f) for s in spans for f in findings):
            tally.marked_controls.append(f"{lid}: {control!r}")


def _within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@pytest.fixture(scope="module")
def tally() -> Tally:
    letters = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    result = Tally(letters=len(letters))
    for letter in letters:
        _score_letter(result, letter)
    _print_table(result)
    return result


def _print_table(tally: Tally) -> None:
    print(f"\n{'kind':<12}{'found':>7}{'of':>6}{'recall':>9}")
    for kind in KIND_LABELS:
        found, total = tally.found[kind], tally.occurrences[kind]
        print(f"{kind:<12}{found:>7}{total:>6}{tally.recall(kind):>9.3f}")
    print(
        f"{'overall':<12}{sum(tally.found.values()):>7}{sum(tally.occurrences.values()):>6}"
        f"{tally.recall():>9.3f}"
    )
    print(f"false alarms: {len(tally.false_alarms)} in {tally.letters} letters")


def _report(tally: Tally) -> str:
    missed = "\n  ".join(tally.missed[:SHOWN]) or "none"
    alarms = "\n  ".join(tally.false_alarms[:SHOWN]) or "none"
    return (
        f"\nmissed ({len(tally.missed)}):\n  {missed}"
        f"\nfalse alarms ({len(tally.false_alarms)}):\n  {alarms}"
    )


def test_the_development_set_is_large_and_consistent(tally: Tally) -> None:
    assert tally.letters >= 60
    assert tally.details >= 250
    assert not tally.absent, "\n".join(tally.absent[:SHOWN])


def test_nearly_every_identifying_detail_is_found(tally: Tally) -> None:
    assert tally.recall() >= MIN_RECALL, _report(tally)


def test_every_kind_of_detail_is_mostly_found(tally: Tally) -> None:
    weak = {k: round(tally.recall(k), 3) for k in KIND_LABELS if tally.recall(k) < MIN_KIND_RECALL}
    assert not weak, f"recall below {MIN_KIND_RECALL}: {weak}" + _report(tally)


def test_false_alarms_are_rare(tally: Tally) -> None:
    per_letter = len(tally.false_alarms) / tally.letters
    assert per_letter <= MAX_FALSE_ALARMS_PER_LETTER, _report(tally)


def test_no_control_is_marked(tally: Tally) -> None:
    assert not tally.marked_controls, "marked controls:\n  " + "\n  ".join(
        tally.marked_controls[:SHOWN]
    )
