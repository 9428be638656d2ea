"""Every column, imported or answered from a letter: the list at /admin/columns. Each row opens
the same editor the letter page uses, at /admin/columns/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from app.deps import SessionDep
from app.editorial import columns_list
from app.editorial.auth import require_staff
from app.editorial.pages import render_admin
from app.editorial.staff import list_staff

router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(require_staff)])


@router.get("/columns")
def columns(
    request: Request,
    session: SessionDep,
    state: str = Query("", max_length=20),
    topic: str = Query("", max_length=80),
    author: str = Query("", max_length=20),
    q: str = Query("", max_length=200),
    sort: str = Query("newest", max_length=20),
    after: str | None = Query(None, max_length=300),
) -> Response:
    """Every column, filtered, searched and sorted, a page at a time."""
    topics = columns_list.topic_choices(session=session)
    where = columns_list.read_filter(
        state=state, topic=topic, author=author, q=q, sort=sort, topics=topics
    )
    page = columns_list.list_columns(session=session, where=where, after=after)
    people = list_staff(session=session)
    return render_admin(
        request,
        "admin/columns.html",
        {
            "page": page,
            "where": where,
            "topic": next((slug for i, slug, _ in topics if i == where.topic_id), ""),
            "topics": topics,
            "people": people,
            "names": {p.id: p.name or p.email for p in people},
            "counts": columns_list.state_counts(session=session),
            "states": columns_list.STATES,
            "sorts": columns_list.SORTS,
            "first_page": after is not None,
        },
    )
