"""Mail to readers about their letters, queued in the outbox."""

from __future__ import annotations

from sqlmodel import Session

from app.config import Settings
from app.mail import queue_templated
from app.models import Article, Question
from app.urls import column_url


def notify_published(
    *, session: Session, settings: Settings, question: Question, article: Article, to: str
) -> None:
    """Tell a reader their letter has been answered, with the link."""
    queue_templated(
        session=session,
        kind="published",
        to=to,
        question_id=question.id,
        template="published",
        subject=f"Your letter has been answered — {settings.site_name}",
        context={
            "signoff": question.signoff,
            "site_name": settings.site_name,
            "article_url": column_url(settings.base_url, article.slug),
            "title": article.title,
        },
    )


def notify_not_selected(
    *, session: Session, settings: Settings, question: Question, to: str
) -> None:
    """Tell a reader, kindly, that their letter was not chosen."""
    queue_templated(
        session=session,
        kind="not_selected",
        to=to,
        question_id=question.id,
        template="not_selected",
        subject=f"About your letter — {settings.site_name}",
        context={
            "signoff": question.signoff,
            "site_name": settings.site_name,
            "kind_line": question.decline_note or "",
        },
    )
