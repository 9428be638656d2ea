"""Signing in and out of the admin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from app import csrf
from app.csrf import CheckedForm
from app.deps import PostedForm, ServicesDep, SettingsDep, WriteSession
from app.editorial import auth
from app.editorial.pages import render_admin
from app.editorial.sign_in import FAILED_LOGIN_WINDOW, SignInResult, sign_in, sign_out
from app.models import utcnow
from app.ratelimit import client_address, client_hash

router = APIRouter(prefix="/admin", include_in_schema=False)

# What the sign-in page says when it does not sign the visitor in, and with which status.
EXPIRED = "expired"
REFUSALS = {
    EXPIRED: (403, "The sign-in form expired. Please try again."),
    SignInResult.throttled: (
        429,
        "Too many failed sign-ins. Please wait 15 minutes and try again.",
    ),
    SignInResult.refused: (401, "That email and password do not match an active account."),
}


def _safe_next(target: str | None) -> str:
    # Only local admin paths: never an open redirect.
    if target and target.startswith("/admin/") and not target.startswith("//"):
        return target
    return "/admin/queue"


def _refusal_page(request: Request, refusal: str, target: str, email: str) -> Response:
    status, error = REFUSALS[refusal]
    wait = {"Retry-After": str(int(FAILED_LOGIN_WINDOW.total_seconds()))}
    return render_admin(
        request,
        "admin/login.html",
        {"next": target, "email": email, "error": error},
        status_code=status,
        headers=wait if refusal == SignInResult.throttled else None,
    )


@router.get("/login")
async def login_page(request: Request, staff: auth.MaybeStaff, next: str | None = None) -> Response:
    if staff is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render_admin(request, "admin/login.html", {"next": _safe_next(next), "email": ""})


@router.post("/login")
def login(request: Request, form: PostedForm, site: ServicesDep, session: WriteSession) -> Response:
    email, target = str(form.get("email", "")), _safe_next(str(form.get("next", "")))
    if not csrf.csrf_valid(request, form.get(csrf.TOKEN_FIELD)):
        return _refusal_page(request, EXPIRED, target, email)
    now = utcnow()
    outcome = sign_in(
        session=session,
        settings=site.settings,
        secret=site.secret_key,
        client=client_hash(site.secret_key, client_address(request), now),
        email=email,
        password=str(form.get("password", "")),
        old_session_id=request.cookies.get(auth.session_cookie_name(site.settings)),
        now=now,
    )
    if outcome.session_id is None:
        return _refusal_page(request, outcome.result, target, email)
    response = RedirectResponse(target, status_code=303)
    auth.set_session_cookie(response, site.settings, outcome.session_id)
    return response


# The staff check, with its once-a-minute write of the session's last use, comes first of the
# route's dependencies: it is done before the writing session enters the write gate.
@router.post("/logout", dependencies=[Depends(auth.require_staff)])
def logout(
    request: Request,
    staff: auth.CurrentStaff,
    form: CheckedForm,
    settings: SettingsDep,
    session: WriteSession,
) -> Response:
    session_id = request.cookies.get(auth.session_cookie_name(settings), "")
    sign_out(session=session, staff=staff, session_id=session_id)
    response = RedirectResponse("/admin/login", status_code=303)
    auth.clear_session_cookie(response, settings)
    return response
