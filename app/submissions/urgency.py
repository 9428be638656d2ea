"""Spotting letters that suggest someone may be in danger, from rules kept as data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "urgent_rules.yaml"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class UrgencyRule:
    category: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]


@cache
def load_rules(path: Path = RULES_FILE) -> tuple[UrgencyRule, ...]:
    """The rules file, compiled."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        UrgencyRule(
            category=entry["category"],
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in entry["patterns"]),
            unless=tuple(re.compile(p, re.IGNORECASE) for p in entry.get("unless", [])),
        )
        for entry in entries
    )


def urgent_categories(letter: str, rules: tuple[UrgencyRule, ...] | None = None) -> list[str]:
    """The danger categories a letter touches (empty when none), sentence by sentence."""
    found: list[str] = []
    sentences = [m.group(0) for m in _SENTENCE.finditer(letter.replace("\u2019", "'"))]
    for rule in rules or load_rules():
        for sentence in sentences:
            hit = any(p.search(sentence) for p in rule.patterns)
            if hit and not any(u.search(sentence) for u in rule.unless):
                found.append(rule.category)
                break
    return found
