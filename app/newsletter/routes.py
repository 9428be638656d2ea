"""Newsletter pages: sign-up (same answer for every address), the confirmation link, and the
unsubscribe page that is also the RFC 8058 one-click target."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app import csrf
from app.deps import PostedForm, Services, ServicesDep, SessionDep, WriteSession
from app.models import SubscriberStatus, utcnow
from app.newsletter import service, tokens
from app.newsletter.screening import NOTICES, Refusal, screen_sign_up
from app.newsletter.signup_box import newsletter_form_token
from app.ratelimit import ClientHash, RateLimited
from app.templating import PRIVATE, render, templates

router = APIRouter(include_in_schema=False)
# Confirmation and unsubscribe links are secrets: no page they open may pass them on.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}

templates.env.globals["newsletter_form_token"] = newsletter_form_token


def _page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A never-cached newsletter page whose forms carry this browser's CSRF token."""
    headers = {**NO_REFERRER, **(headers or {})}
    return render(request, template, context or {}, status_code=status_code, headers=headers)


def render_form(request: Request, email: str = "", refusal: Refusal | None = None) -> Response:
    """The sign-up page, with the address the reader typed kept in place."""
    notice = NOTICES[refusal.key] if refusal else None
    context = {
        "email": email,
        "error": notice.error if notice else None,
        "notice": notice.notice if notice else None,
    }
    headers = {**notice.headers, **refusal.headers} if notice and refusal else {}
    status = notice.status_code if notice else 200
    return _page(request, "newsletter/form.html", context, status_code=status, headers=headers)


def _token_accepted(request: Request, secret: str, submitted: object, now: datetime) -> bool:
    # Cached public pages carry the hourly public token; this site's own pages the cookie one.
    if not csrf.origin_allowed(request):
        return False
    return tokens.public_form_token_valid(secret, submitted, now) or csrf.csrf_valid(
        request, submitted
    )


@router.get("/newsletter")
def signup_page(request: Request) -> Response:
    return render_form(request)


@router.post("/newsletter")
def sign_up(
    request: Request,
    form: PostedForm,
    site: ServicesDep,
    client: ClientHash,
    session: WriteSession,
) -> Response:
    typed, now = str(form.get("email", "")).strip(), utcnow()
    screened = screen_sign_up(
        token_ok=_token_accepted(request, site.secret_key, form.get(csrf.TOKEN_FIELD), now),
        honeypot=str(form.get("website", "")),
        typed=typed,
    )
    refusal = (
        screened
        if isinstance(screened, Refusal)
        else _record_sign_up(session, site, screened, client, now)
    )
    if refusal is not None:
        return render_form(request, typed, refusal)
    return RedirectResponse("/newsletter/sent", status_code=303, headers={**PRIVATE, **NO_REFERRER})


def _record_sign_up(
    session: Session, site: Services, email: str, client: str, now: datetime
) -> Refusal | None:
    # Committed here, not after the route: a database that cannot take it gives the form
    # back with the address still in it.
    try:
        service.sign_up(
            session=session,
            settings=site.settings,
            secret=site.secret_key,
            email=email,
            client=client,
            now=now,
        )
        session.commit()
    except RateLimited as limited:
        session.rollback()
        return Refusal("rate_limited", headers={"Retry-After": str(limited.retry_after)})
    except IntegrityError:
        session.rollback()  # the same address at the same moment: the other request has it
    except OperationalError:
        session.rollback()
        return Refusal("unsaved")
    return None


@router.get("/newsletter/sent")
def check_your_inbox(request: Request) -> Response:
    return _page(request, "newsletter/sent.html")


@router.get("/newsletter/confirm/{token}")
def confirm(request: Request, token: str, site: ServicesDep, session: WriteSession) -> Response:
    result = service.confirm_subscription(
        session=session, secret=site.secret_key, token=token, now=utcnow()
    )
    if result is service.ConfirmResult.confirmed:
        return _page(request, "newsletter/confirmed.html")
    status = 410 if result is service.ConfirmResult.expired else 400
    return _page(
        request, "newsletter/link_problem.html", {"problem": result.value}, status_code=status
    )


@router.get("/newsletter/unsubscribe/{token}")
def unsubscribe_page(
    request: Request, token: str, site: ServicesDep, session: SessionDep
) -> Response:
    subscriber = service.subscriber_by_unsubscribe_token(
        session=session, secret=site.secret_key, token=token
    )
    if subscriber is None:
        return _bad_unsubscribe_link(request)
    already = subscriber.status == SubscriberStatus.unsubscribed
    return _page(request, "newsletter/unsubscribe.html", {"token": token, "already": already})


@router.post("/newsletter/unsubscribe/{token}")
def unsubscribe(request: Request, token: str, site: ServicesDep, session: WriteSession) -> Response:
    # No CSRF check: the signed token in the address is the authority, and mail providers'
    # one-click POSTs (RFC 8058) come without cookies or an Origin of ours.
    subscriber = service.subscriber_by_unsubscribe_token(
        session=session, secret=site.secret_key, token=token
    )
    if subscriber is None:
        return _bad_unsubscribe_link(request)
    service.unsubscribe(session=session, subscriber=subscriber, now=utcnow())
    return _page(request, "newsletter/unsubscribe.html", {"done": True})


def _bad_unsubscribe_link(request: Request) -> Response:
    return _page(
        request, "newsletter/link_problem.html", {"problem": "unsubscribe"}, status_code=400
    )
