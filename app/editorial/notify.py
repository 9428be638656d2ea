"""Mail to readers about their letters, queued in the outbox."""

from __future__ import annotations

from sqlmodel import Session

from app.config import Settings
from app.mail import queue_mail
from app.models import Article, Question
from app.templating import templates


def notify_published(
    *, session: Session, settings: Settings, question: Question, article: Article, to: str
) -> None:
    """Tell a reader their letter has been answered, with the link."""
    context = {
        "signoff": question.signoff,
        "site_name": settings.site_name,
        "article_url": f"{settings.base_url}/columns/{article.slug}",
        "title": article.title,
    }
    queue_mail(
        session=session,
        kind="published",
        to=to,
        question_id=question.id,
        subject=f"Your letter has been answered — {settings.site_name}",
        text=templates.get_template("emails/published.txt").render(context),
        html=templates.get_template("emails/published.html").render(context),
    )


def notify_not_selected(
    *, session: Session, settings: Settings, question: Question, to: str
) -> None:
    """Tell a reader, kindly, that their letter was not chosen."""
    context = {
        "signoff": question.signoff,
        "site_name": settings.site_name,
        "kind_line": question.decline_note or "",
    }
    queue_mail(
        session=session,
        kind="not_selected",
        to=to,
        question_id=question.id,
        subject=f"About your letter — {settings.site_name}",
        text=templates.get_template("emails/not_selected.txt").render(context),
    )
