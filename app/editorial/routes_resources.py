"""The library of resources at /admin/resources: list, create, edit, delete, and a topic's
default resource. Editors and admins only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from app.db import session_scope
from app.deps import SessionDep, services
from app.editorial.auth import EditorStaff
from app.editorial.pages import checked_form, render_admin
from app.editorial.resources import (
    ResourceForm,
    ResourceInUse,
    delete_resource,
    list_resources,
    read_resource_form,
    save_resource,
    set_topic_default,
)
from app.models import MAX_ID, Article, Resource, Staff, Topic

router = APIRouter(prefix="/admin", include_in_schema=False)

BLANK = {"title": "", "text": "", "link_text": "Explore course", "url": "", "small_print": ""}


def _load(session: Session, resource_id: int) -> Resource:
    resource = session.get(Resource, resource_id) if 0 < resource_id <= MAX_ID else None
    if resource is None:
        raise HTTPException(404)
    return resource


@router.get("/resources")
def resources_page(request: Request, session: SessionDep, editor: EditorStaff) -> Response:
    return render_admin(
        request,
        "admin/resources.html",
        {"uses": list_resources(session=session)},
    )


def _resource_page(
    request: Request,
    session: Session,
    resource: Resource | None,
    posted: ResourceForm | None = None,
    *,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    values = posted.values if posted else (BLANK if resource is None else resource.model_dump())
    context: dict[str, Any] = {
        "resource": resource,
        "values": values,
        "errors": posted.errors if posted else {},
        "problem": problem,
        "columns": [],
        "topics": [],
    }
    if resource is not None and resource.id is not None:
        context["columns"] = session.exec(
            select(Article)
            .where(col(Article.callout_resource_id) == resource.id)
            .order_by(col(Article.title))
        ).all()
        context["topics"] = session.exec(
            select(Topic).where(col(Topic.default_resource_id) == resource.id).order_by(Topic.name)
        ).all()
    return render_admin(request, "admin/resource.html", context, status_code=status_code)


@router.get("/resources/new")
def new_resource_page(request: Request, session: SessionDep, editor: EditorStaff) -> Response:
    return _resource_page(request, session, None)


@router.post("/resources/new")
async def create_resource(request: Request, editor: EditorStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_save, request, None, form, editor)


@router.get("/resources/{resource_id}")
def resource_page(
    request: Request, resource_id: int, session: SessionDep, editor: EditorStaff
) -> Response:
    return _resource_page(request, session, _load(session, resource_id))


@router.post("/resources/{resource_id}")
async def edit_resource(request: Request, resource_id: int, editor: EditorStaff) -> Response:
    form = await checked_form(request)
    return await run_in_threadpool(_save, request, resource_id, form, editor)


def _save(request: Request, resource_id: int | None, form: FormData, by: Staff) -> Response:
    with session_scope(services(request).engine) as session:
        resource = _load(session, resource_id) if resource_id else None
        posted = read_resource_form(form)
        if posted.errors:
            return _resource_page(request, session, resource, posted, status_code=422)
        saved = save_resource(
            session=session,
            resource=resource or Resource.model_validate(posted.values),
            values=posted.values,
            by=by,
        )
        done = "resource-saved" if resource else "resource-created"
        saved_id = saved.id
    return RedirectResponse(f"/admin/resources/{saved_id}?done={done}", status_code=303)


@router.post("/resources/{resource_id}/delete")
async def remove_resource(request: Request, resource_id: int, editor: EditorStaff) -> Response:
    await checked_form(request)
    return await run_in_threadpool(_delete, request, resource_id, editor)


def _delete(request: Request, resource_id: int, by: Staff) -> Response:
    with session_scope(services(request).engine) as session:
        resource = _load(session, resource_id)
        try:
            delete_resource(session=session, resource=resource, by=by)
        except ResourceInUse as exc:
            return _resource_page(request, session, resource, problem=str(exc), status_code=409)
    return RedirectResponse("/admin/resources?done=resource-deleted", status_code=303)


@router.get("/resources/topic/{topic_id}")
def topic_resource_page(
    request: Request, topic_id: int, session: SessionDep, editor: EditorStaff
) -> Response:
    topic = _topic(session, topic_id)
    return render_admin(
        request,
        "admin/resource_topic.html",
        {"topic": topic, "topic_resources": [u.resource for u in list_resources(session=session)]},
    )


@router.post("/resources/topic/{topic_id}")
async def choose_topic_resource(request: Request, topic_id: int, editor: EditorStaff) -> Response:
    form = await checked_form(request)
    value = str(form.get("resource", ""))
    return await run_in_threadpool(_choose, request, topic_id, value, editor)


def _choose(request: Request, topic_id: int, value: str, by: Staff) -> Response:
    with session_scope(services(request).engine) as session:
        topic = _topic(session, topic_id)
        resource_id = None
        if value.strip():
            digits = value.strip()
            if not (digits.isascii() and digits.isdigit() and len(digits) < 10):
                raise HTTPException(422, "Pick a resource from the list.")
            resource_id = _load(session, int(digits)).id
        set_topic_default(session=session, topic=topic, resource_id=resource_id, by=by)
    return RedirectResponse(f"/admin/topics/{topic_id}?done=topic-saved", status_code=303)


def _topic(session: Session, topic_id: int) -> Topic:
    topic = session.get(Topic, topic_id) if 0 < topic_id <= MAX_ID else None
    if topic is None:
        raise HTTPException(404)
    return topic
