"""The application factory: settings in, a ready FastAPI app out."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.config import Settings, load_settings
from app.db import BriefReads, check_schema, make_engine, read_content_version, session_scope
from app.deps import Services, services
from app.editorial import (
    routes_admin,
    routes_answer,
    routes_auth,
    routes_column_editor,
    routes_columns,
    routes_desk,
    routes_letters,
    routes_resources,
    routes_revisions,
    routes_topics,
)
from app.editorial.auth import Forbidden, LoginRequired, SessionTouches
from app.editorial.queue import KeptPages
from app.editorial.reads import DeskReads
from app.editorial.workflow import publish_due
from app.logs import configure_logging
from app.mail import deliver_due
from app.models import utcnow
from app.newsletter import routes as newsletter_routes
from app.publishing import api as publishing_api
from app.publishing import feeds as publishing_feeds
from app.publishing import routes as publishing_routes
from app.publishing.cache import PageCache
from app.publishing.http import PageCacheMiddleware
from app.publishing.pages import SiteTexts
from app.publishing.popularity import ViewCounter
from app.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from app.submissions import api as submissions_api
from app.submissions import routes as submissions_routes
from app.submissions.letter_writer import LetterWriter
from app.submissions.retention import run_retention
from app.templating import STATIC_DIR, templates

log = logging.getLogger("consult")
VIEW_FLUSH_SECONDS = 30
MAIL_SECONDS = 5
RETENTION_SECONDS = 3600
BODY_LIMITS = {"/admin/": 6 * 1024 * 1024}
PUBLISH_DUE_SECONDS = 30
# FastAPI's own OpenTelemetry, off whatever the environment says: its spans carry request paths
# (a status link's token is one), its logs exception messages, and auto-configuration would
# export them to whatever collector the environment names. Nothing about a letter leaves the site.
NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}
EDITORIAL_ROUTERS = [
    routes_auth.router,
    routes_letters.router,
    routes_answer.router,
    routes_columns.router,
    routes_column_editor.router,
    routes_desk.router,
    routes_revisions.router,
    routes_resources.router,
    routes_admin.router,
    routes_topics.router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the site for these settings (from the environment when none are given)."""
    settings = settings or load_settings()
    configure_logging()
    secret_key = settings.resolved_secret_key()
    engine = make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            check_schema(engine)
        except Exception:
            engine.dispose()
            raise
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        tasks = _start_background_work(site) if settings.background_tasks else []
        # What start-up made lives as long as the app: the collector's full passes skip it.
        # (No collection first: that would walk the whole heap at every start of an app.)
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            with contextlib.suppress(OperationalError):
                site.part(ViewCounter).flush(engine)
            site.reads.close()
            engine.dispose()

    app = FastAPI(
        title=settings.site_name,
        version=__version__,
        lifespan=lifespan,
        telemetry=NO_TELEMETRY,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
    )
    site = Services(settings, secret_key, engine, BriefReads(engine))
    app.state.services = site  # the one look-up: routes take it through app.deps
    view_counter = site.add(ViewCounter())
    site.add(SiteTexts.load(settings.content_dir))
    page_cache = site.add(PageCache(read_version=lambda: read_content_version(site.engine)))
    site.add(KeptPages())
    site.add(SessionTouches())
    site.add(DeskReads(site.reads))
    site.add(LetterWriter(engine, settings))
    # Innermost, so that pages served from it still get the security headers (and a new nonce).
    app.add_middleware(
        PageCacheMiddleware, cache=page_cache, view_counter=view_counter, tz=settings.tz
    )
    app.add_middleware(
        BodyLimitMiddleware,
        limits=BODY_LIMITS,
        too_large=lambda scope: error_page(Request(scope), 413),
    )
    app.add_middleware(SecurityHeadersMiddleware, production=settings.is_production)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/media", StaticFiles(directory=settings.media_dir), name="media")
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    _add_error_pages(app)
    for editorial_router in EDITORIAL_ROUTERS:
        app.include_router(editorial_router)
    app.include_router(submissions_routes.router)
    app.include_router(newsletter_routes.router)
    app.include_router(submissions_api.router)
    app.include_router(publishing_api.router)
    app.include_router(publishing_feeds.router)
    # The public router ends with the catch-all for static pages, so it goes last.
    app.include_router(publishing_routes.router)
    return app


def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 when it does not (in a worker thread, as every route
    that uses the database)."""
    try:
        with services(request).engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"})


def _start_background_work(site: Services) -> list[asyncio.Task[None]]:
    """Periodic work every worker does; each job is safe to run in many workers at once."""
    engine, settings, view_counter = site.engine, site.settings, site.part(ViewCounter)

    def publish_scheduled() -> None:
        with session_scope(engine) as session:
            publish_due(session=session, settings=settings, now=utcnow())

    def retention() -> None:
        with session_scope(engine) as session:
            run_retention(session=session, settings=settings, now=utcnow())

    jobs: list[tuple[str, float, Callable[[], object]]] = [
        ("view counts", VIEW_FLUSH_SECONDS, lambda: view_counter.flush(engine)),
        ("mail delivery", MAIL_SECONDS, lambda: deliver_due(engine, settings)),
        ("retention", RETENTION_SECONDS, retention),
        ("scheduled publishing", PUBLISH_DUE_SECONDS, publish_scheduled),
    ]
    return [asyncio.create_task(_every(name, seconds, job)) for name, seconds, job in jobs]


async def _every(name: str, seconds: float, job: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(job)
        except OperationalError:
            log.warning("%s postponed: database busy", name)
        except Exception:
            log.exception("%s failed", name)


def _route_name(request: Request) -> str:
    # The route's template ("/ask/status/{token}"), never the concrete path with its token.
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched route"))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(
    request: Request, status_code: int, headers: dict[str, str] | None = None
) -> Response:
    """The site's own page for an HTTP error."""
    return templates.TemplateResponse(
        request,
        "public/error.html",
        {"status_code": status_code},
        status_code=status_code,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = quote(request.url.path, safe="/")
        return RedirectResponse(
            f"/admin/login?next={target}", status_code=303, headers={"Cache-Control": "no-store"}
        )

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return error_page(request, 403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return error_page(request, exc.status_code, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors = {
                ".".join(str(p) for p in e["loc"][1:]) or "body": str(e["msg"])
                for e in exc.errors()
            }
            return JSONResponse({"detail": "Invalid request.", "errors": errors}, status_code=422)
        return error_page(request, 400)

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable: %s", exc.__class__.__name__)
        if _wants_json(request):
            return JSONResponse(
                {"detail": "The database is busy; try again shortly."},
                status_code=503,
                headers={"Retry-After": "5"},
            )
        return error_page(request, 503, {"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, _route_name(request))
        if _wants_json(request):
            return JSONResponse({"detail": "Something went wrong on our side."}, status_code=500)
        return error_page(request, 500)
