"""Newsletter pages: sign-up (same answer for every address), the confirmation link, and the
unsubscribe page that is also the RFC 8058 one-click target."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError, OperationalError

from app import csrf
from app.db import session_scope
from app.deps import SessionDep, services
from app.models import SubscriberStatus, utcnow
from app.newsletter import service, tokens
from app.ratelimit import client_address, client_hash
from app.templating import templates

router = APIRouter(include_in_schema=False)
PRIVATE = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def newsletter_form_token(request: Request) -> str:
    """The hourly public token for the sign-up box on cached public pages."""
    return tokens.public_form_token(services(request).secret_key, utcnow())


templates.env.globals["newsletter_form_token"] = newsletter_form_token


def render_private(
    request: Request,
    template: str,
    context: Mapping[str, object] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A never-cached newsletter page whose forms carry this browser's CSRF token."""
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf_token": csrf.csrf_token(request), **(context or {})},
        status_code=status_code,
        headers={**PRIVATE, **(headers or {})},
    )
    csrf.set_csrf_cookie(request, response)
    return response


def render_form(
    request: Request,
    *,
    email: str = "",
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The sign-up page, with the address the reader typed kept in place."""
    context = {"email": email, "error": error, "notice": notice}
    return render_private(
        request, "newsletter/form.html", context, status_code=status_code, headers=headers
    )


def _token_accepted(request: Request, submitted: object) -> bool:
    # Cached public pages carry the hourly public token; this site's own pages the cookie one.
    if not csrf.origin_allowed(request):
        return False
    secret = services(request).secret_key
    return tokens.public_form_token_valid(secret, submitted, utcnow()) or csrf.csrf_valid(
        request, submitted
    )


@router.get("/newsletter")
def signup_page(request: Request) -> Response:
    return render_form(request)


@router.post("/newsletter")
async def sign_up(request: Request) -> Response:
    form = await request.form()
    typed = str(form.get("email", "")).strip()
    if not _token_accepted(request, form.get(csrf.TOKEN_FIELD)):
        return render_form(
            request,
            email=typed,
            status_code=403,
            notice="For your security, this form had expired. Your address is still here: "
            "please press Subscribe again.",
        )
    if str(form.get("website", "")).strip():
        return render_form(
            request,
            email=typed,
            status_code=422,
            notice="Please leave the field labelled “Leave this empty” blank, "
            "then press Subscribe again.",
        )
    email = service.valid_address(text=typed)
    if email is None:
        error = (
            "Please check this address: it does not look like an email address."
            if typed
            else "Please enter your email address."
        )
        return render_form(request, email=typed, error=error, status_code=422)
    return await run_in_threadpool(_record_sign_up, request, email, typed)


def _record_sign_up(request: Request, email: str, typed: str) -> Response:
    secret, now = services(request).secret_key, utcnow()
    try:
        with session_scope(services(request).engine) as session:
            service.sign_up(
                session=session,
                settings=services(request).settings,
                secret=secret,
                email=email,
                client=client_hash(secret, client_address(request), now),
                now=now,
            )
    except service.RateLimited as limited:
        return render_form(
            request,
            email=typed,
            status_code=429,
            headers={"Retry-After": str(limited.retry_after)},
            notice="You have signed up several times in the last hour. Please wait a while, "
            "then try again.",
        )
    except IntegrityError:
        pass  # the same address at the same moment: the other request has recorded it
    except OperationalError:
        return render_form(
            request,
            email=typed,
            status_code=503,
            headers={"Retry-After": "10"},
            notice="We could not record that just now. Please try again in a few seconds.",
        )
    return RedirectResponse("/newsletter/sent", status_code=303, headers=PRIVATE)


@router.get("/newsletter/sent")
def check_your_inbox(request: Request) -> Response:
    return render_private(request, "newsletter/sent.html")


@router.get("/newsletter/confirm/{token}")
def confirm(request: Request, token: str) -> Response:
    with session_scope(services(request).engine) as session:
        result = service.confirm_subscription(
            session=session, secret=services(request).secret_key, token=token, now=utcnow()
        )
    if result is service.ConfirmResult.confirmed:
        return render_private(request, "newsletter/confirmed.html")
    status = 410 if result is service.ConfirmResult.expired else 400
    return render_private(
        request, "newsletter/link_problem.html", {"problem": result.value}, status_code=status
    )


@router.get("/newsletter/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str, session: SessionDep) -> Response:
    subscriber = service.subscriber_by_unsubscribe_token(
        session=session, secret=services(request).secret_key, token=token
    )
    if subscriber is None:
        return _bad_unsubscribe_link(request)
    already = subscriber.status == SubscriberStatus.unsubscribed
    return render_private(
        request, "newsletter/unsubscribe.html", {"token": token, "already": already}
    )


@router.post("/newsletter/unsubscribe/{token}")
def unsubscribe(request: Request, token: str) -> Response:
    # No CSRF check: the signed token in the address is the authority, and mail providers'
    # one-click POSTs (RFC 8058) come without cookies or an Origin of ours.
    with session_scope(services(request).engine) as session:
        subscriber = service.subscriber_by_unsubscribe_token(
            session=session, secret=services(request).secret_key, token=token
        )
        if subscriber is not None:
            service.unsubscribe(session=session, subscriber=subscriber, now=utcnow())
    if subscriber is None:
        return _bad_unsubscribe_link(request)
    return render_private(request, "newsletter/unsubscribe.html", {"done": True})


def _bad_unsubscribe_link(request: Request) -> Response:
    return render_private(
        request, "newsletter/link_problem.html", {"problem": "unsubscribe"}, status_code=400
    )
