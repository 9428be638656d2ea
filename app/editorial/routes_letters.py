"""The queue and a letter's page: triage, notes, assignment."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.csrf import CheckedForm
from app.deps import ServicesDep, SettingsDep, WriteSession, found, part
from app.editorial import letters
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.pages import kept_page, render_keepable
from app.editorial.queue import FILTER_STATES, KeptPages, QueueFilter, queue_page
from app.editorial.reads import Reads
from app.editorial.workflow import IllegalMove, NotAllowed
from app.models import MAX_ID, Question, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


@router.get("")
def admin_home() -> Response:
    return RedirectResponse("/admin/queue", status_code=303)


@router.get("/queue")
async def queue(
    request: Request,
    staff: CurrentStaff,
    reads: Reads,
    site: ServicesDep,
    kept: Annotated[KeptPages, part(KeptPages)],
    state: str = Query("open", max_length=20),
    topic: str = Query("", max_length=80),
    urgent: bool = False,
    mine: bool = False,
    q: str = Query("", max_length=200),
    after: str | None = Query(None, max_length=80),
) -> Response:
    where = QueueFilter(
        state=state if state in FILTER_STATES else "open",
        topic=topic or None,
        urgent=urgent,
        mine=staff.id if mine else None,
        q=q,
    )
    page = await queue_page(
        kept=kept,
        # A few rows from small tables: read in place, with no worker thread (see BriefReads).
        facts=await reads.queue_facts(),
        engine=site.engine,
        where=where,
        after=after,
        viewer=(staff.email, staff.name, staff.role),
        keep="done" not in request.query_params,  # a message for this visit only: not kept
        render=partial(render_keepable, request, "admin/queue.html"),
    )
    return kept_page(request, page)


@router.post("/queue/bulk")
def bulk(
    staff: CurrentStaff, form: CheckedForm, session: WriteSession, settings: SettingsDep
) -> Response:
    action = str(form.get("action", ""))
    ids = [
        int(v)
        for v in form.getlist("ids")
        if isinstance(v, str) and v.isascii() and v.isdigit() and int(v) <= MAX_ID
    ]
    if action not in ("decline", "spam") or not ids:
        return RedirectResponse("/admin/queue?done=nothing-selected", status_code=303)
    try:
        moved, skipped = letters.bulk_triage(
            session=session, settings=settings, ids=ids, action=action, staff=staff, now=utcnow()
        )
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from exc
    return RedirectResponse(f"/admin/queue?done={action}-{moved}-{skipped}", status_code=303)


@router.post("/questions/{question_id}/triage")
def triage(
    question_id: int,
    staff: CurrentStaff,
    form: CheckedForm,
    session: WriteSession,
    settings: SettingsDep,
) -> Response:
    action = str(form.get("action", ""))
    if action not in letters.TRIAGE:
        raise HTTPException(400)
    question = found(session, Question, question_id)
    try:
        letters.triage(
            session=session,
            settings=settings,
            question=question,
            action=action,
            staff=staff,
            now=utcnow(),
            reason=str(form.get("reason", "")),
            kind_line=str(form.get("kind_line", "")),
        )
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from exc
    except IllegalMove as exc:
        raise HTTPException(409, str(exc)) from exc
    return RedirectResponse(f"/admin/questions/{question_id}?done={action}", status_code=303)


@router.post("/questions/{question_id}/notes")
def add_note(
    question_id: int, staff: CurrentStaff, form: CheckedForm, session: WriteSession
) -> Response:
    body = str(form.get("body", "")).strip()
    if not body:
        return RedirectResponse(
            f"/admin/questions/{question_id}?done=empty-note#notes", status_code=303
        )
    letters.add_note(
        session=session,
        question=found(session, Question, question_id),
        staff=staff,
        body=body[:5000],
        now=utcnow(),
    )
    return RedirectResponse(f"/admin/questions/{question_id}?done=note#notes", status_code=303)


@router.post("/questions/{question_id}/assign")
def assign(
    question_id: int, staff: CurrentStaff, form: CheckedForm, session: WriteSession
) -> Response:
    assignee = str(form.get("assignee", ""))
    due_text = str(form.get("due_on", ""))
    try:
        due_on = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        raise HTTPException(400, "Use a date such as 2026-12-01.") from None
    try:
        letters.assign(
            session=session,
            question=found(session, Question, question_id),
            staff=staff,
            assignee_id=int(assignee)
            if assignee.isascii() and assignee.isdigit() and int(assignee) <= MAX_ID
            else None,
            due_on=due_on,
        )
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/admin/questions/{question_id}?done=assigned", status_code=303)
