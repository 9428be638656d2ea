"""The library of resources at /admin/resources: list, create, edit, delete, and a topic's
default resource. Editors and admins only."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select

from app.csrf import CheckedForm
from app.deps import SessionDep, WriteSession, found
from app.editorial.auth import EditorStaff
from app.editorial.pages import render_admin
from app.editorial.resources import (
    ResourceForm,
    ResourceInUse,
    delete_resource,
    list_resources,
    read_resource_form,
    save_resource,
    set_topic_default,
)
from app.models import Article, Resource, Topic

router = APIRouter(prefix="/admin", include_in_schema=False)
Record = TypeVar("Record", Resource, Topic)

BLANK = {"title": "", "text": "", "link_text": "Explore course", "url": "", "small_print": ""}


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
def create_resource(
    request: Request, editor: EditorStaff, form: CheckedForm, session: WriteSession
) -> Response:
    posted = read_resource_form(form)
    if posted.errors:
        return _resource_page(request, session, None, posted, status_code=422)
    saved = save_resource(
        session=session,
        resource=Resource.model_validate(posted.values),
        values=posted.values,
        by=editor,
    )
    return RedirectResponse(f"/admin/resources/{saved.id}?done=resource-created", status_code=303)


@router.get("/resources/{resource_id}")
def resource_page(
    request: Request, resource_id: int, session: SessionDep, editor: EditorStaff
) -> Response:
    return _resource_page(request, session, found(session, Resource, resource_id))


@router.post("/resources/{resource_id}")
def edit_resource(
    request: Request,
    resource_id: int,
    editor: EditorStaff,
    form: CheckedForm,
    session: WriteSession,
) -> Response:
    resource = found(session, Resource, resource_id)
    posted = read_resource_form(form)
    if posted.errors:
        return _resource_page(request, session, resource, posted, status_code=422)
    save_resource(session=session, resource=resource, values=posted.values, by=editor)
    return RedirectResponse(f"/admin/resources/{resource_id}?done=resource-saved", status_code=303)


@router.post("/resources/{resource_id}/delete")
def remove_resource(
    request: Request,
    resource_id: int,
    editor: EditorStaff,
    form: CheckedForm,
    session: WriteSession,
) -> Response:
    resource = found(session, Resource, resource_id)
    try:
        delete_resource(session=session, resource=resource, by=editor)
    except ResourceInUse as exc:
        return _resource_page(request, session, resource, problem=str(exc), status_code=409)
    return RedirectResponse("/admin/resources?done=resource-deleted", status_code=303)


@router.get("/resources/topic/{topic_id}")
def topic_resource_page(
    request: Request, topic_id: int, session: SessionDep, editor: EditorStaff
) -> Response:
    topic = found(session, Topic, topic_id)
    return render_admin(
        request,
        "admin/resource_topic.html",
        {"topic": topic, "topic_resources": [u.resource for u in list_resources(session=session)]},
    )


@router.post("/resources/topic/{topic_id}")
def choose_topic_resource(
    topic_id: int, editor: EditorStaff, form: CheckedForm, session: WriteSession
) -> Response:
    topic = found(session, Topic, topic_id)
    value = str(form.get("resource", "")).strip()
    resource_id = None
    if value:
        if not (value.isascii() and value.isdigit() and len(value) < 10):
            raise HTTPException(422, "Pick a resource from the list.")
        resource_id = found(session, Resource, int(value)).id
    set_topic_default(session=session, topic=topic, resource_id=resource_id, by=editor)
    return RedirectResponse(f"/admin/topics/{topic_id}?done=topic-saved", status_code=303)
