"""The audit log as an editor reads it: each entry a sentence with a link to what it was about.

Entries are stored as keys (`article.publish`, `article:16`); the names behind the keys are
looked up here, one query per kind of target for a whole page, never one per row. A reader's
email address is never in an entry, and nothing here would show one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.models import MAX_ID, Article, AuditEntry, Question, Staff, Topic

# What each recorded action is called in the filter, and what it says in the log: "{who}" is
# the person, "{what}" the thing it was about.
ACTIONS: dict[str, tuple[str, str]] = {
    "article.save": ("Column saved", "{who} saved {what}"),
    "article.save_draft": ("Draft of changes saved", "{who} saved a draft of changes to {what}"),
    "article.discard_draft": (
        "Draft of changes discarded",
        "{who} discarded the draft of changes to {what}",
    ),
    "article.submit_review": ("Column submitted for review", "{who} submitted {what} for review"),
    "article.to_draft": ("Column sent back to draft", "{who} sent {what} back to draft"),
    "article.schedule": ("Column scheduled", "{who} scheduled {what}"),
    "article.publish": ("Column published", "{who} published {what}"),
    "article.update": ("Live column updated", "{who} updated the live column {what}"),
    "article.unpublish": ("Column unpublished", "{who} unpublished {what}"),
    "article.publish_due": ("Scheduled column went live", "{what} went live at its scheduled time"),
    "article.schedule_unreviewed": (
        "Scheduled column held back",
        "{what} was held back and returned to draft: its text had changed since the review",
    ),
    "question.shortlisted": ("Letter shortlisted", "{who} shortlisted {what}"),
    "question.answering": ("Letter being answered", "{who} started answering {what}"),
    "question.declined": ("Letter declined", "{who} declined {what}"),
    "question.spam": ("Letter marked as spam", "{who} marked {what} as spam"),
    "question.new": ("Letter reopened", "{who} reopened {what}"),
    "question.published": ("Letter published", "{what} was published"),
    "question.withdrawn": ("Letter withdrawn", "{what} was withdrawn by its writer"),
    "question.note": ("Note added to a letter", "{who} added a note to {what}"),
    "question.assign": ("Letter assigned", "{who} assigned {what}"),
    "question.email_erased": (
        "Writer’s email erased",
        "The writer’s email address for {what} was erased once the answer was out",
    ),
    "login.succeeded": ("Signed in", "{who} signed in"),
    "login.failed": ("Sign-in failed", "A sign-in as {who} failed"),
    "login.throttled": ("Sign-ins paused", "Sign-ins as {who} were paused after too many failures"),
    "logout": ("Signed out", "{who} signed out"),
    "staff.create": ("Account added", "{who} added an account for {what}"),
    "staff.change": ("Account changed", "{who} changed the account of {what}"),
    "topic.create": ("Topic created", "{who} created the topic {what}"),
    "topic.update": ("Topic edited", "{who} edited the topic {what}"),
    "topic.merge": ("Topics merged", "{who} merged {source} into {what}"),
    "topic.delete": ("Topic deleted", "{who} deleted the topic {what}"),
    "topic.default_resource": (
        "Topic’s default resource chosen",
        "{who} chose the default resource of the topic {what}",
    ),
    "resource.create": ("Resource added", "{who} added the resource {what}"),
    "resource.update": ("Resource edited", "{who} edited the resource {what}"),
    "resource.delete": ("Resource deleted", "{who} deleted the resource {what}"),
    "newsletter.send": ("Newsletter sent", "{who} sent the newsletter digest"),
    "newsletter.export": (
        "Subscribers exported",
        "{who} exported the confirmed subscribers’ addresses",
    ),
}
# Ids are 32-bit integers in the database; a larger number names no row (and PostgreSQL
# refuses it).
_TARGET = re.compile(r"(article|question|staff|topic|resource):([0-9]{1,18})")
_NUMBER = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Target:
    """What an entry was about, as the editor knows it."""

    name: str
    href: str | None = None


@dataclass(frozen=True)
class LogLine:
    """One entry as a sentence: the words before the target, the target, and after it."""

    id: int
    at: datetime
    action: str
    before: str
    target: Target | None
    after: str


@dataclass
class _Names:
    articles: dict[int, str]
    questions: dict[int, str]
    staff: dict[int, str]
    topics: dict[int, str]


def action_label(action: str) -> str:
    """The readable name of an action, for the filter (unknown ones made readable too)."""
    return (
        ACTIONS[action][0]
        if action in ACTIONS
        else action.replace(".", ": ").replace("_", " ").capitalize()
    )


def describe_entries(
    *, session: Session, entries: list[AuditEntry], staff_page: bool
) -> list[LogLine]:
    """The entries as sentences, with names looked up once per kind for the whole list."""
    names = _look_up(session=session, entries=entries)
    return [_line(entry, names, staff_page) for entry in entries]


def _look_up(*, session: Session, entries: list[AuditEntry]) -> _Names:
    wanted: dict[str, set[int]] = {
        kind: set() for kind in ("article", "question", "staff", "topic")
    }
    for entry in entries:
        if entry.staff_id is not None:
            wanted["staff"].add(entry.staff_id)
        if (target := _TARGET.fullmatch(entry.target)) and target[1] in wanted:
            wanted[target[1]].add(int(target[2]))
        if entry.action == "question.assign" and (assignee := _assignee(entry.detail)):
            wanted["staff"].add(assignee)
    return _Names(
        articles=_titles(session, wanted["article"]),
        questions=_signoffs(session, wanted["question"]),
        staff=_staff_names(session, wanted["staff"]),
        topics=_topic_names(session, wanted["topic"]),
    )


def _bounded(ids: Iterable[int]) -> list[int]:
    return sorted(i for i in ids if i <= MAX_ID)


def _titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not (wanted := _bounded(ids)):
        return {}
    rows = session.exec(select(Article.id, Article.title).where(col(Article.id).in_(wanted)))
    return {int(i or 0): title for i, title in rows}


def _signoffs(session: Session, ids: set[int]) -> dict[int, str]:
    if not (wanted := _bounded(ids)):
        return {}
    rows = session.exec(select(Question.id, Question.signoff).where(col(Question.id).in_(wanted)))
    return {int(i or 0): signoff for i, signoff in rows}


def _topic_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not (wanted := _bounded(ids)):
        return {}
    rows = session.exec(select(Topic.id, Topic.name).where(col(Topic.id).in_(wanted)))
    return {int(i or 0): name for i, name in rows}


def _staff_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not (wanted := _bounded(ids)):
        return {}
    rows = session.exec(select(Staff.id, Staff.name, Staff.email).where(col(Staff.id).in_(wanted)))
    return {int(i or 0): name or email for i, name, email in rows}


def _line(entry: AuditEntry, names: _Names, staff_page: bool) -> LogLine:
    who = names.staff.get(entry.staff_id or 0) or _nobody(entry)
    what = _target(entry, names, staff_page)
    pattern = ACTIONS[entry.action][1] if entry.action in ACTIONS else None
    if pattern is None:
        pattern = f"{{who}} did “{action_label(entry.action)}”" + (" to {what}" if what else "")
    words = pattern.replace("{who}", who).replace("{source}", _merged_source(entry))
    if "{what}" in words:
        before, _, after = words.partition("{what}")
    else:
        before, after, what = words, "", None
    before = before[:1].upper() + before[1:]
    return LogLine(
        entry.id or 0, entry.at, entry.action, before, what, after + _extra(entry, names)
    )


def _nobody(entry: AuditEntry) -> str:
    if entry.action.startswith("login."):
        return "an unknown account"
    # With nobody signed in, a change came from the command line (the scheduler has its own words).
    return "Someone at the command line" if entry.staff_id is None else "A former member of staff"


def _target(entry: AuditEntry, names: _Names, staff_page: bool) -> Target | None:
    found = _TARGET.fullmatch(entry.target)
    if found is None:
        return None
    kind, key = found[1], int(found[2])
    if kind == "article":
        title = names.articles.get(key)
        if title is None:
            return Target(f"‘{entry.detail}’ (since deleted)" if entry.detail else "a column")
        return Target(f"‘{title or 'Untitled'}’", f"/admin/columns/{key}")
    if kind == "question":
        if key not in names.questions:
            return Target(f"letter #{key}")
        signoff = names.questions[key]
        name = f"letter #{key} from “{signoff}”" if signoff else f"letter #{key}"
        return Target(name, f"/admin/questions/{key}")
    if kind == "staff":
        return Target(
            names.staff.get(key, "a former member of staff"), "/admin/staff" if staff_page else None
        )
    if kind == "resource":  # named as it was then: resources are few and renamed rarely
        title = f"‘{entry.detail}’" if entry.detail else f"resource #{key}"
        gone = entry.action == "resource.delete"
        return Target(title, None if gone else f"/admin/resources/{key}")
    topic = names.topics.get(key)
    if topic:
        return Target(f"‘{topic}’", f"/admin/topics/{key}")
    return Target(f"‘{entry.detail}’ (since removed)" if entry.detail else "a topic since removed")


def _assignee(detail: str) -> int | None:
    found = re.match(r"staff:([0-9]{1,18})", detail)
    return int(found[1]) if found else None


def _extra(entry: AuditEntry, names: _Names) -> str:
    """What the detail adds, for the few actions that record one in a known form."""
    detail = entry.detail
    if entry.action == "question.assign":
        assignee = _assignee(detail)
        due = re.search(r"due:([0-9]{4}-[0-9]{2}-[0-9]{2})", detail)
        if assignee is None:
            return " to nobody (the assignment was cleared)"
        to = names.staff.get(assignee, "a former member of staff")
        return f" to {to}" + (f", due {due[1]}" if due else "")
    if entry.action in ("staff.create", "staff.change"):
        role = re.search(r"role=(admin|editor|columnist)", detail)
        words = [f"role {role[1]}"] if role else []
        if "active=False" in detail:
            words.append("disabled")
        elif "active=True" in detail:
            words.append("active")
        return f" ({', '.join(words)})" if words else ""
    if entry.action == "newsletter.send":
        sent = re.fullmatch(r"recipients=([0-9]{1,9})", detail)
        if sent:
            count = int(sent[1])
            return (
                f" to {count:,} subscriber{'s' if count != 1 else ''}"
                if count
                else (", but there was nothing to send")
            )
    return ""


def _merged_source(entry: AuditEntry) -> str:
    source, arrow, _ = entry.detail.partition(" → ")
    return f"‘{source}’" if arrow and source else "a topic"


# How the filter groups the actions: a prefix chooses every action of that kind.
_GROUPS = (
    ("Columns", "article."),
    ("Letters", "question."),
    ("Sign-ins", "login."),
    ("Staff", "staff."),
    ("Topics", "topic."),
    ("Resources", "resource."),
    ("Newsletter", "newsletter."),
)
_ACTION_KEY = re.compile(r"[a-z_]{1,30}(\.[a-z_]{0,29})?")


@dataclass(frozen=True)
class ActionGroup:
    """A kind of action in the log's filter, with the actions of that kind it holds."""

    label: str
    prefix: str | None
    actions: list[tuple[str, str]]


def action_groups(recorded: list[str]) -> list[ActionGroup]:
    """The recorded actions, by kind, each with its readable name."""
    groups = []
    placed: set[str] = set()
    for label, prefix in _GROUPS:
        mine = [
            a for a in recorded if a.startswith(prefix) or (prefix == "login." and a == "logout")
        ]
        if mine:
            groups.append(ActionGroup(label, prefix, [(a, action_label(a)) for a in mine]))
            placed.update(mine)
    if rest := [a for a in recorded if a not in placed]:
        groups.append(ActionGroup("Other", None, [(a, action_label(a)) for a in rest]))
    return groups


def action_filter(text: str) -> str:
    """The action asked for, when it looks like one (an action or a kind); otherwise none."""
    return text if _ACTION_KEY.fullmatch(text) else ""
