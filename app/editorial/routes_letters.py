"""The queue and a letter's page: triage, notes, assignment."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import services
from app.editorial import letters
from app.editorial.auth import CurrentStaff, require_staff
from app.editorial.pages import checked_form, kept_page, render_keepable
from app.editorial.queue import (
    KeptPages,
    QueueCounts,
    QueueFilter,
    QueueView,
    list_queue,
)
from app.editorial.reads import DeskReads
from app.editorial.workflow import IllegalMove, NotAllowed
from app.models import MAX_ID, QuestionStatus, Staff, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


@router.get("")
def admin_home() -> Response:
    return RedirectResponse("/admin/queue", status_code=303)


@router.get("/queue")
async def queue(
    request: Request,
    staff: CurrentStaff,
    state: str = Query("open", max_length=20),
    topic: str = Query("", max_length=80),
    urgent: bool = False,
    mine: bool = False,
    q: str = Query("", max_length=200),
    after: str | None = Query(None, max_length=80),
) -> Response:
    states = {s.value for s in QuestionStatus} | {"open", "all"}
    where = QueueFilter(
        state=state if state in states else "open",
        topic=topic or None,
        urgent=urgent,
        mine=staff.id if mine else None,
        q=q,
    )
    # A few rows from small tables: read in place, with no worker thread (see BriefReads).
    counts, names, topics = await services(request).part(DeskReads).queue_facts()
    view = QueueView(
        where=where,
        after=after,
        viewer=(staff.email, staff.name, staff.role),
        today=utcnow().date(),
        version=counts.version,
        staff_names=tuple(names.items()),
        topics=tuple(topics),
    )
    kept: KeptPages = services(request).part(KeptPages)
    with_flash = "done" in request.query_params  # a message for this visit only: not kept
    page = None if with_flash else kept.get(view)
    if page is None:
        # Letters read after the version, so a page is never older than the version it is kept at.
        page = await run_in_threadpool(_render_queue, request, view, counts)
        if not with_flash:
            kept.put(view, page)
    return kept_page(request, page)


def _render_queue(request: Request, view: QueueView, counts: QueueCounts) -> bytes:
    with Session(services(request).engine) as session:
        page = list_queue(session=session, where=view.where, after=view.after)
    context = {
        "page": page,
        "where": view.where,
        "counts": counts.by_state,
        "topics": view.topics,
        "today": view.today,
        "staff_names": dict(view.staff_names),
    }
    return render_keepable(request, "admin/queue.html", context)


@router.post("/queue/bulk")
async def bulk(request: Request, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_bulk, request, staff, form)


def _bulk(request: Request, staff: Staff, form: FormData) -> Response:
    action = str(form.get("action", ""))
    ids = [
        int(v)
        for v in form.getlist("ids")
        if isinstance(v, str) and v.isascii() and v.isdigit() and int(v) <= MAX_ID
    ]
    if action not in ("decline", "spam") or not ids:
        return RedirectResponse("/admin/queue?done=nothing-selected", status_code=303)
    with session_scope(services(request).engine) as session:
        try:
            moved, skipped = letters.bulk_triage(
                session=session,
                settings=services(request).settings,
                ids=ids,
                action=action,
                staff=staff,
                now=utcnow(),
            )
        except NotAllowed as exc:
            raise HTTPException(403, str(exc)) from exc
    return RedirectResponse(f"/admin/queue?done={action}-{moved}-{skipped}", status_code=303)


@router.post("/questions/{question_id}/triage")
async def triage(request: Request, question_id: int, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_triage, request, question_id, staff, form)


def _triage(request: Request, question_id: int, staff: Staff, form: FormData) -> Response:
    action = str(form.get("action", ""))
    if action not in letters.TRIAGE:
        raise HTTPException(400)
    with session_scope(services(request).engine) as session:
        question = letters.load_question(session, question_id)
        try:
            letters.triage(
                session=session,
                settings=services(request).settings,
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
async def add_note(request: Request, question_id: int, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_add_note, request, question_id, staff, form)


def _add_note(request: Request, question_id: int, staff: Staff, form: FormData) -> Response:
    body = str(form.get("body", "")).strip()
    if not body:
        return RedirectResponse(
            f"/admin/questions/{question_id}?done=empty-note#notes", status_code=303
        )
    with session_scope(services(request).engine) as session:
        letters.add_note(
            session=session,
            question=letters.load_question(session, question_id),
            staff=staff,
            body=body[:5000],
            now=utcnow(),
        )
    return RedirectResponse(f"/admin/questions/{question_id}?done=note#notes", status_code=303)


@router.post("/questions/{question_id}/assign")
async def assign(request: Request, question_id: int, staff: CurrentStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_assign, request, question_id, staff, form)


def _assign(request: Request, question_id: int, staff: Staff, form: FormData) -> Response:
    assignee = str(form.get("assignee", ""))
    due_text = str(form.get("due_on", ""))
    try:
        due_on = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        raise HTTPException(400, "Use a date such as 2026-12-01.") from None
    with session_scope(services(request).engine) as session:
        try:
            letters.assign(
                session=session,
                question=letters.load_question(session, question_id),
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
