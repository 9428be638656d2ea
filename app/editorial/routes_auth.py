"""Signing in and out of the admin."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app import csrf
from app.db import session_scope
from app.deps import services
from app.editorial import audit, auth
from app.editorial.pages import checked_form, render_admin
from app.models import Staff, utcnow

router = APIRouter(prefix="/admin", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local admin paths: never an open redirect.
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return "/admin/queue"


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    if await auth.signed_in(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render_admin(request, "admin/login.html", {"next": _safe_next(next), "email": ""})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    return await run_in_threadpool(_login, request, form)


def _login(request: Request, form: FormData) -> Response:
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    if not csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)):
        return render_admin(
            request,
            "admin/login.html",
            {
                "next": target,
                "email": email,
                "error": "The sign-in form expired. Please try again.",
            },
            status_code=403,
        )
    settings = services(request).settings
    now = utcnow()
    with session_scope(services(request).engine) as session:
        result = auth.attempt_login(
            session=session, request=request, email=email, password=password, now=now
        )
        session_id = None
        if result.staff is not None:
            session_id = auth.start_session(
                session=session, staff=result.staff, settings=settings, now=now
            )
    if result.throttled:
        return render_admin(
            request,
            "admin/login.html",
            {
                "next": target,
                "email": email,
                "error": "Too many failed sign-ins. Please wait 15 minutes and try again.",
            },
            status_code=429,
            headers={"Retry-After": str(15 * 60)},
        )
    if session_id is None:
        return render_admin(
            request,
            "admin/login.html",
            {
                "next": target,
                "email": email,
                "error": "That email and password do not match an active account.",
            },
            status_code=401,
        )
    old = request.cookies.get(auth.session_cookie_name(settings))
    if old:
        with session_scope(services(request).engine) as session:
            auth.end_session(session=session, session_id=old)
    response = RedirectResponse(target, status_code=303)
    auth.set_session_cookie(response, settings, session_id)
    return response


@router.post("/logout")
async def logout(request: Request, staff: auth.CurrentStaff) -> Response:
    await checked_form(request)
    return await run_in_threadpool(_logout, request, staff)


def _logout(request: Request, staff: Staff) -> Response:
    settings = services(request).settings
    session_id = request.cookies.get(auth.session_cookie_name(settings), "")
    with session_scope(services(request).engine) as session:
        auth.end_session(session=session, session_id=session_id)
        audit.record(session=session, action="logout", staff_id=staff.id)
    response = RedirectResponse("/admin/login", status_code=303)
    auth.clear_session_cookie(response, settings)
    return response
