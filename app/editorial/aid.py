"""The anonymisation aid as an editor works with it: the findings of every public field with
their one-click replacements, the marks inside the text being edited, and applying the
replacement or "not identifying" an editor presses."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from app.column_fields import FORM_NAMES, TEXT_FIELDS, ArticleFields
from app.editorial import guard
from app.editorial.anonymise import KIND_LABELS, Finding, mark_up, suggest_replacements

# Fields an editor types in the form, so a replacement can be applied there.
EDITABLE = {spec.name for spec in TEXT_FIELDS if spec.scanned}
# Fields whose marks are drawn inside the text area itself.
MARKED_IN_PLACE = ("letter_md", "answer_md")


@dataclass(frozen=True)
class Mark:
    """One finding as the editor sees it, with the buttons that act on it."""

    field: str
    finding: Finding
    replacements: list[str]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.finding.kind, self.finding.kind)

    @property
    def form_name(self) -> str:
        return FORM_NAMES.get(self.field, self.field)

    @property
    def editable(self) -> bool:
        return self.field in EDITABLE

    def replace_value(self, replacement: str) -> str:
        """The value of the button that puts `replacement` in place of this finding."""
        f = self.finding
        return json.dumps(
            {"op": "replace", "field": self.form_name, "start": f.start, "end": f.end}
            | {"text": f.text, "with": replacement}
        )

    def dismiss_value(self) -> str:
        """The value of the button that marks this finding's words as not identifying."""
        return json.dumps({"op": "dismiss", "text": self.finding.text})


@dataclass(frozen=True)
class AidView:
    """Everything the letter page shows of the aid."""

    fields: list[tuple[str, list[Mark]]]  # (label, marks) for each field with findings
    total: int
    marked: dict[str, str]  # form name -> the field's text as HTML with <mark>s, for in place
    dismissed: str


def aid_view(fields: ArticleFields, dismissed: str) -> AidView:
    """The aid's findings for these fields, leaving out words marked not identifying."""
    details = guard.find_public_details(fields, dismissed=guard.parse_dismissed(dismissed))
    by_field = {d.field: d.findings for d in details}
    return AidView(
        fields=[
            (d.label, [Mark(d.field, f, suggest_replacements(f)) for f in d.findings])
            for d in details
        ],
        total=guard.count(details),
        marked={
            FORM_NAMES[name]: mark_up(getattr(fields, name), by_field.get(name, []))
            for name in MARKED_IN_PLACE
        },
        dismissed=dismissed,
    )


def apply_aid(fields: ArticleFields, dismissed: str, pressed: str) -> tuple[ArticleFields, str]:
    """Apply a pressed aid button (a replacement or a dismissal) to the fields as typed."""
    try:
        order = json.loads(pressed)
    except (ValueError, RecursionError):  # not what the page's buttons send
        return fields, dismissed
    if not isinstance(order, dict):
        return fields, dismissed
    text = str(order.get("text", ""))
    if order.get("op") == "dismiss" and text.strip():
        return fields, "\n".join([*dismissed.splitlines(), text.strip()]).strip()
    field = str(order.get("field"))
    name = next((n for n, form in FORM_NAMES.items() if form == field), field)
    if order.get("op") != "replace" or name not in EDITABLE or not text:
        return fields, dismissed
    value: str = getattr(fields, name)
    start = order.get("start")
    if not (isinstance(start, int) and start >= 0 and value[start : start + len(text)] == text):
        start = value.find(text)  # the text moved since the page was drawn
    if start < 0:
        return fields, dismissed
    wanted = str(order.get("with", ""))
    changed = replace(fields)
    setattr(changed, name, value[:start] + wanted + value[start + len(text) :])
    return changed, dismissed
