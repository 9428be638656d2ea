"""Rendering admin pages: private (no browser or proxy keeps them), with the CSRF token and the
signed-in user."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import Request, Response
from markupsafe import escape

from app import csrf
from app.editorial.auth import has_role
from app.editorial.shell import shell_context
from app.models import Role
from app.templating import PRIVATE, render, templates

# What a `?done=` key in the address says on the next page. Only these sentences are ever
# shown: text from the address is never echoed into the page.
NOTICES = {
    "saved": "Your changes are saved.",
    "save": "Draft saved.",
    "save_draft": "Draft of changes saved. The live column is unchanged until you press "
    "“Update live column”.",
    "update": "The live column is updated.",
    "discard_draft": "Draft of changes discarded: the form shows the live text again.",
    "restored_draft": "Revision restored as a draft of changes; the live column is unchanged "
    "until it is updated.",
    "publish": "Published.",
    "schedule": "Scheduled.",
    "submit_review": "Submitted for review.",
    "unpublish": "Unpublished: readers can no longer see the column.",
    "to_draft": "Sent back to draft.",
    "note": "Note added.",
    "assigned": "Assignment saved.",
    "shortlist": "The letter is shortlisted.",
    "answering": "The letter is marked as being answered.",
    "decline": "The letter is declined.",
    "spam": "The letter is marked as spam.",
    "reopen": "The letter is open again.",
    "restored": "Revision restored as the current version.",
    "added": "Account created.",
    "changed": "Account updated.",
    "topic-created": "Topic created.",
    "topic-saved": "Topic saved.",
    "topic-merged": "Topics merged: the columns and the old address now belong to this topic.",
    "topic-deleted": "Topic deleted.",
    "resource-created": "Resource added to the library.",
    "resource-saved": "Resource saved.",
    "resource-deleted": "Resource deleted. Topics that had it as their default now have none.",
    "nothing-new": "Nothing new to send: no digest was made.",
    "empty-note": "A note needs some text.",
    "nothing-selected": "Select at least one letter first.",
}


# Keys that carry counts: "decline-2-1" (two declined, one skipped), "sent-40". Only digits
# are read from them, and only up to a bound, so the sentence is still the site's own.
_COUNTED = re.compile(r"(decline|spam|sent)((?:-[0-9]{1,7}){1,2})")


def notice(key: str) -> str:
    """The sentence for a `?done=` key, or nothing for a key this site never sends."""
    if key in NOTICES:
        return NOTICES[key]
    counted = _COUNTED.fullmatch(key)
    if counted is None:
        return ""
    kind, numbers = counted[1], [int(n) for n in counted[2][1:].split("-")]
    if kind == "sent":
        return _sent(*numbers) if len(numbers) == 1 else ""
    return _triaged(kind, *numbers) if len(numbers) == 2 else ""


def _letters(n: int) -> str:
    return f"{n:,} letter" + ("" if n == 1 else "s")


def _sent(recipients: int) -> str:
    if recipients == 0:
        return "The digest is made, but there is no confirmed subscriber to send it to yet."
    people = f"{recipients:,} confirmed subscriber" + ("" if recipients == 1 else "s")
    return f"The digest is on its way to {people}."


def _triaged(kind: str, moved: int, skipped: int) -> str:
    if kind == "decline":
        done = f"Declined {_letters(moved)}" if moved else "No letter was declined"
    else:
        done = f"Marked {_letters(moved)} as spam" if moved else "No letter was marked as spam"
    if skipped == 0:
        return f"{done}."
    left = "1 was left alone, as its" if skipped == 1 else f"{skipped:,} were left alone, as their"
    return f"{done}; {left} state does not allow it."


def render_admin(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """An admin page: private, with the signed-in user, the shell and the `?done=` notice."""
    return render(
        request,
        template,
        {**_admin_context(request), **context},
        status_code=status_code,
        headers=headers,
    )


# Stands where the browser's CSRF token goes in a page kept for reuse: random, so that no text
# on the page (a letter's opening words, say) can contain it.
TOKEN_SLOT = secrets.token_hex(16)


def render_keepable(request: Request, template: str, context: dict[str, Any]) -> bytes:
    """An admin page with a slot for the CSRF token, to be kept and served with `kept_page`."""
    page = templates.TemplateResponse(
        request, template, {**_admin_context(request), **context, "csrf_token": TOKEN_SLOT}
    )
    return bytes(page.body)


def kept_page(request: Request, body: bytes) -> Response:
    """A kept admin page, with this browser's CSRF token in its forms."""
    token = str(escape(csrf.csrf_token(request))).encode()
    response = Response(body.replace(TOKEN_SLOT.encode(), token), media_type="text/html")
    response.headers.update(PRIVATE)
    csrf.set_csrf_cookie(request, response)
    return response


def _admin_context(request: Request) -> dict[str, Any]:
    staff = getattr(request.state, "staff", None)
    return {
        "staff": staff,
        "is_editor": bool(staff and has_role(staff, Role.editor)),
        "is_admin": bool(staff and has_role(staff, Role.admin)),
        "flash": notice(request.query_params.get("done", "")),
        **shell_context(request),
    }
