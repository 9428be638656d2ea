"""Running the column: staff accounts, the audit log and the newsletter."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.csrf import CheckedForm
from app.deps import ServicesDep, SessionDep, WriteSession
from app.editorial import audit, audit_log
from app.editorial.auth import AdminStaff, EditorStaff, has_role, require_staff
from app.editorial.pages import render_admin
from app.editorial.staff import StaffError, change_staff, create_staff, list_staff
from app.mail import deliver_due
from app.models import MAX_ID, Role, Staff, utcnow
from app.newsletter.digest import send_digest
from app.newsletter.service import confirmed_addresses_csv, digest_history, subscriber_counts

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
def add_staff(
    request: Request, admin: AdminStaff, form: CheckedForm, session: WriteSession
) -> Response:
    values = {k: str(form.get(k, "")) for k in ("email", "name", "role")}
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
def update_staff(
    staff_id: int, admin: AdminStaff, form: CheckedForm, session: WriteSession
) -> Response:
    role = str(form.get("role", "")) or None
    active = {"enable": True, "disable": False}.get(str(form.get("action", "")))
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
def newsletter_send(
    editor: EditorStaff,
    form: CheckedForm,
    site: ServicesDep,
    session: WriteSession,
) -> Response:
    digest = send_digest(session=session, settings=site.settings, now=utcnow(), staff_id=editor.id)
    recipients = digest.recipients if digest else 0
    audit.record(
        session=session,
        action="newsletter.send",
        staff_id=editor.id,
        detail=f"recipients={recipients}",
    )
    # The digest is committed (and the write gate let go) before the mails go out, each
    # recorded in a transaction of its own.
    session.commit()
    deliver_due(site.engine, site.settings)
    done = f"sent-{recipients}" if digest else "nothing-new"
    return RedirectResponse(f"/admin/newsletter?done={done}", status_code=303)


@router.get("/newsletter/subscribers.csv")
def newsletter_export(admin: AdminStaff, session: WriteSession) -> Response:
    audit.record(session=session, action="newsletter.export", staff_id=admin.id)
    return Response(
        confirmed_addresses_csv(session=session),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="subscribers.csv"',
            "Cache-Control": "no-store",
        },
    )
