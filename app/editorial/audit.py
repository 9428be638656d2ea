"""The append-only audit log: who did what, when."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import AuditEntry, utcnow


def record(
    *,
    session: Session,
    action: str,
    staff_id: int | None = None,
    target: str = "",
    detail: str = "",
) -> None:
    """Add one line to the audit log, in the caller's transaction."""
    session.add(
        AuditEntry(
            at=utcnow(), staff_id=staff_id, action=action, target=target[:120], detail=detail[:500]
        )
    )


def list_entries(
    *,
    session: Session,
    staff_id: int | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest entries first, filtered by person and by action ("article." for a whole kind)."""
    statement = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
    if staff_id is not None:
        statement = statement.where(AuditEntry.staff_id == staff_id)
    if action and action.endswith("."):
        statement = statement.where(col(AuditEntry.action).startswith(action, autoescape=True))
    elif action:
        statement = statement.where(AuditEntry.action == action)
    if before_id is not None:
        statement = statement.where(col(AuditEntry.id) < before_id)
    return list(session.exec(statement).all())


def recorded_actions(*, session: Session) -> list[str]:
    """Every action the log holds at least once, for its filter."""
    return list(session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
