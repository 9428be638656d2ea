"""Managing topics: the list with counts, a page per topic, rename, merge."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep
from app.editorial.auth import AdminStaff, require_staff
from app.editorial.pages import checked_form, render_admin
from app.editorial.topics import TopicError, merge_topics, update_topic
from app.models import Staff, Topic
from app.publishing.service import list_topics

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


@router.get("/topics")
def topics_page(request: Request, session: SessionDep, admin: AdminStaff) -> Response:
    return render_admin(
        request,
        "admin/topics.html",
        {"topics": list_topics(session=session, include_empty=True), "error": None},
    )


@router.post("/topics/merge")
async def merge(request: Request, admin: AdminStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_merge, request, admin, form)


def _merge(request: Request, admin: Staff, form: FormData) -> Response:
    ids = [str(form.get("source", "")), str(form.get("into", ""))]
    if not all(i.isdigit() for i in ids):
        raise HTTPException(400, "Choose two topics.")
    with session_scope(request.app.state.engine) as session:
        source, into = (session.get(Topic, int(i)) for i in ids)
        if source is None or into is None:
            raise HTTPException(404)
        try:
            merge_topics(session=session, source=source, into=into, by=admin)
        except TopicError as exc:
            raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin/topics?done=merged", status_code=303)


@router.post("/topics/{topic_id}")
async def edit_topic(request: Request, topic_id: int, admin: AdminStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_edit_topic, request, topic_id, admin, form)


def _edit_topic(request: Request, topic_id: int, admin: Staff, form: FormData) -> Response:
    with session_scope(request.app.state.engine) as session:
        topic = session.get(Topic, topic_id)
        if topic is None:
            raise HTTPException(404)
        try:
            update_topic(
                session=session,
                topic=topic,
                name=str(form.get("name", "")),
                description=str(form.get("description", "")),
                by=admin,
            )
        except TopicError as exc:
            session.rollback()
            return render_admin(
                request,
                "admin/topics.html",
                {"topics": list_topics(session=session, include_empty=True), "error": str(exc)},
                status_code=422,
            )
    return RedirectResponse("/admin/topics?done=saved", status_code=303)
