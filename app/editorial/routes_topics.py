"""Managing topics: the list with counts, a page per topic, create, rename, merge, delete.

Editors create topics (tagging columns is their daily work); renaming, merging and deleting
change public addresses and every column that carries a topic, so they are the admins'.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.csrf import CheckedForm
from app.deps import SessionDep, WriteSession, found
from app.editorial.auth import AdminStaff, EditorStaff, require_staff
from app.editorial.pages import render_admin
from app.editorial.resources import list_resources
from app.editorial.topics import (
    TopicError,
    create_topic,
    delete_topic,
    merge_topics,
    topic_columns,
    topic_rows,
    update_topic,
)
from app.models import Topic

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _list_page(request: Request, session: Session, **extra: Any) -> Response:
    status = extra.pop("status_code", 200)
    context: dict[str, Any] = {"rows": topic_rows(session=session), "error": None, "values": {}}
    return render_admin(
        request,
        "admin/topics.html",
        {**context, **extra},
        status_code=status,
    )


@router.get("/topics")
def topics_page(request: Request, session: SessionDep, editor: EditorStaff) -> Response:
    return _list_page(request, session)


@router.post("/topics")
def add_topic(
    request: Request, editor: EditorStaff, form: CheckedForm, session: WriteSession
) -> Response:
    values = {"name": _text(form, "name")[:200], "description": _text(form, "description")}
    try:
        topic = create_topic(session=session, by=editor, **values)
    except TopicError as exc:
        session.rollback()
        if _wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=422)
        return _list_page(request, session, error=str(exc), values=values, status_code=422)
    answer = {"id": topic.id, "name": topic.name, "slug": topic.slug}
    if _wants_json(request):
        return JSONResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})
    return RedirectResponse(f"/admin/topics/{answer['id']}?done=topic-created", status_code=303)


@router.post("/topics/merge")
def merge(
    request: Request, admin: AdminStaff, form: CheckedForm, session: WriteSession
) -> Response:
    source, into = (
        found(session, Topic, form.get("source")),
        found(session, Topic, form.get("into")),
    )
    try:
        merge_topics(session=session, source=source, into=into, by=admin)
    except TopicError as exc:
        session.rollback()
        return _topic_page(request, session, source, error=str(exc), status_code=422)
    into_id = into.id
    if form.get("from") == "list":
        return RedirectResponse("/admin/topics?done=topic-merged", status_code=303)
    return RedirectResponse(f"/admin/topics/{into_id}?done=topic-merged", status_code=303)


def _topic_page(request: Request, session: Session, topic: Topic, **extra: Any) -> Response:
    status = extra.pop("status_code", 200)
    others = session.exec(select(Topic).where(Topic.id != topic.id).order_by(col(Topic.name)))
    row = next(r for r in topic_rows(session=session) if r.topic.id == topic.id)
    context = {
        "topic": topic,
        "row": row,
        "columns": topic_columns(session=session, topic_id=topic.id or 0),
        "others": others.all(),
        "topic_resources": [use.resource for use in list_resources(session=session)],
        "values": {"name": topic.name, "description": topic.description},
        "error": None,
    }
    return render_admin(
        request,
        "admin/topic.html",
        {**context, **extra},
        status_code=status,
    )


@router.get("/topics/{topic_id}")
def topic_page(
    request: Request, topic_id: str, session: SessionDep, editor: EditorStaff
) -> Response:
    return _topic_page(request, session, found(session, Topic, topic_id))


@router.post("/topics/{topic_id}")
def edit_topic(
    request: Request, topic_id: str, admin: AdminStaff, form: CheckedForm, session: WriteSession
) -> Response:
    values = {"name": _text(form, "name")[:200], "description": _text(form, "description")}
    topic = found(session, Topic, topic_id)
    try:
        update_topic(session=session, topic=topic, by=admin, **values)
    except TopicError as exc:
        session.rollback()
        topic = found(session, Topic, topic_id)
        return _topic_page(request, session, topic, error=str(exc), values=values, status_code=422)
    return RedirectResponse(f"/admin/topics/{topic_id}?done=topic-saved", status_code=303)


@router.post("/topics/{topic_id}/delete")
def remove_topic(
    request: Request, topic_id: str, admin: AdminStaff, form: CheckedForm, session: WriteSession
) -> Response:
    topic = found(session, Topic, topic_id)
    try:
        delete_topic(session=session, topic=topic, by=admin)
    except TopicError as exc:
        session.rollback()
        topic = found(session, Topic, topic_id)
        return _topic_page(request, session, topic, error=str(exc), status_code=409)
    return RedirectResponse("/admin/topics?done=topic-deleted", status_code=303)
