"""Running the column: staff accounts, the audit log and the newsletter."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep, services
from app.editorial import audit, audit_log
from app.editorial.auth import AdminStaff, EditorStaff, has_role, require_staff
from app.editorial.pages import checked_form, render_admin
from app.editorial.staff import StaffError, change_staff, create_staff, list_staff
from app.mail import deliver_due
from app.models import MAX_ID, Role, Staff, utcnow
from app.newsletter.digest import send_digest
from app.newsletter.service import confirmed_addresses_csv, digest_history, subscriber_counts

# The largest id a filter or a paging link may name: ids are 32-bit integers in the database,
# so beyond it no row exists (and PostgreSQL refuses the number).
router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


@router.get("/staff")
def staff_page(request: Request, session: SessionDep, admin: AdminStaff) -> Response:
    return render_admin(
        request,
        "admin/staff.html",
        {
            "people": list_staff(session=session),
            "roles": [r.value for r in Role],
            "error": None,
            "values": {},
        },
    )


@router.post("/staff")
async def add_staff(request: Request, admin: AdminStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_add_staff, request, admin, form)


def _add_staff(request: Request, admin: Staff, form: FormData) -> Response:
    values = {k: str(form.get(k, "")) for k in ("email", "name", "role")}
    with session_scope(services(request).engine) as session:
        try:
            create_staff(
                session=session,
                email=values["email"],
                role=values["role"],
                name=values["name"],
                password=str(form.get("password", "")),
                by=admin.id,
            )
        except StaffError as exc:
            session.rollback()
            return render_admin(
                request,
                "admin/staff.html",
                {
                    "people": list_staff(session=session),
                    "roles": [r.value for r in Role],
                    "error": str(exc),
                    "values": values,
                },
                status_code=422,
            )
    return RedirectResponse("/admin/staff?done=added", status_code=303)


@router.post("/staff/{staff_id}")
async def update_staff(request: Request, staff_id: int, admin: AdminStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_update_staff, request, staff_id, admin, form)


def _update_staff(request: Request, staff_id: int, admin: Staff, form: FormData) -> Response:
    role = str(form.get("role", "")) or None
    active = {"enable": True, "disable": False}.get(str(form.get("action", "")))
    with session_scope(services(request).engine) as session:
        person = session.get(Staff, staff_id)
        if person is None:
            raise HTTPException(404)
        try:
            change_staff(session=session, staff=person, by=admin, role=role, active=active)
        except StaffError as exc:
            raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin/staff?done=changed", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    editor: EditorStaff,
    person: int | None = Query(None, ge=1, le=MAX_ID),
    action: str = Query("", max_length=60),
    before: int | None = Query(None, ge=1, le=MAX_ID),
) -> Response:
    action = audit_log.action_filter(action)
    entries = audit.list_entries(
        session=session, staff_id=person, action=action or None, before_id=before
    )
    lines = audit_log.describe_entries(
        session=session, entries=entries, staff_page=has_role(editor, Role.admin)
    )
    return render_admin(
        request,
        "admin/audit.html",
        {
            "lines": lines,
            "people": list_staff(session=session),
            "groups": audit_log.action_groups(audit.recorded_actions(session=session)),
            "person": person,
            "action": action,
            "older": lines[-1].id if len(lines) == 100 else None,
        },
    )


@router.get("/newsletter")
def newsletter_page(request: Request, session: SessionDep, editor: EditorStaff) -> Response:
    return render_admin(
        request,
        "admin/newsletter.html",
        {"counts": subscriber_counts(session=session), "digests": digest_history(session=session)},
    )


@router.post("/newsletter/send")
async def newsletter_send(request: Request, editor: EditorStaff) -> Response:
    await checked_form(request)
    return await run_in_threadpool(_newsletter_send, request, editor)


def _newsletter_send(request: Request, editor: Staff) -> Response:
    settings, engine = services(request).settings, services(request).engine
    with session_scope(engine) as session:
        digest = send_digest(session=session, settings=settings, now=utcnow(), staff_id=editor.id)
        recipients = digest.recipients if digest else 0
        audit.record(
            session=session,
            action="newsletter.send",
            staff_id=editor.id,
            detail=f"recipients={recipients}",
        )
    deliver_due(engine, settings)
    done = f"sent-{recipients}" if digest else "nothing-new"
    return RedirectResponse(f"/admin/newsletter?done={done}", status_code=303)


@router.get("/newsletter/subscribers.csv")
def newsletter_export(request: Request, session: SessionDep, admin: AdminStaff) -> Response:
    with session_scope(services(request).engine) as writing:
        audit.record(session=writing, action="newsletter.export", staff_id=admin.id)
    return Response(
        confirmed_addresses_csv(session=session),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="subscribers.csv"',
            "Cache-Control": "no-store",
        },
    )
