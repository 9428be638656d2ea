"""The privacy guard: what in a column's public fields could identify someone, and the
fingerprint that binds an editor's review to the exact text it was given for."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from app.column_fields import PUBLIC_FIELDS, SCANNED_FIELDS, ArticleFields
from app.editorial.anonymise import Finding, find_identifying_details


# Every field of a column a visitor can read is fingerprinted (column_fields.PUBLIC_FIELDS);
# the aid scans those an editor types (SCANNED_FIELDS). A callout is fingerprinted by the choice
# (which resource, or the topic's default, or none): a resource's text is the editors' own
# library text, written once for many columns and never drawn from a letter, so it is not
# scanned as part of each column.
@dataclass(frozen=True)
class FieldFindings:
    """The possible identifying details in one public field."""

    field: str
    label: str
    findings: list[Finding]


def fingerprint(fields: ArticleFields) -> str:
    """A digest of every public field: equal only for exactly the same public text, so any
    change to one after a review voids it."""
    values = [getattr(fields, name) or "" for name in PUBLIC_FIELDS]
    return hashlib.sha256(json.dumps(["v2", *values]).encode()).hexdigest()


def parse_dismissed(text: str) -> frozenset[str]:
    """The words an editor marked "not identifying", as stored or posted (one per line)."""
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def find_public_details(
    fields: ArticleFields, *, dismissed: frozenset[str] = frozenset()
) -> list[FieldFindings]:
    """Possible identifying details in every public field, leaving out dismissed words."""
    result = []
    for name, label in SCANNED_FIELDS.items():
        text = getattr(fields, name) or ""
        found = [
            f
            for f in find_identifying_details(text, pen_name=name == "signoff")
            if f.text.casefold() not in dismissed
        ]
        if found:
            result.append(FieldFindings(name, label, found))
    return result


def count(details: list[FieldFindings]) -> int:
    """How many findings there are across the fields."""
    return sum(len(d.findings) for d in details)


def describe(details: list[FieldFindings], *, limit: int = 12) -> str:
    """The findings in words, field by field: “letter: “Margaret” (name), “Leeds” (place)”."""
    parts, shown = [], 0
    for detail in details:
        words = []
        for finding in detail.findings:
            if shown == limit:
                break
            words.append(f"“{finding.text}” ({finding.kind})")
            shown += 1
        if words:
            parts.append(f"{detail.label}: {', '.join(words)}")
    more = count(details) - shown
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
