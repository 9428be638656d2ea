"""The append-only audit log: who did what, when."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import AuditEntry, Staff, utcnow


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
) -> list[tuple[AuditEntry, str]]:
    """Newest entries first, with the staff member's email (or "system"), filtered."""
    statement = (
        select(AuditEntry, Staff.email)
        .outerjoin(Staff, col(Staff.id) == AuditEntry.staff_id)
        .order_by(col(AuditEntry.id).desc())
        .limit(limit)
    )
    if staff_id is not None:
        statement = statement.where(AuditEntry.staff_id == staff_id)
    if action:
        statement = statement.where(col(AuditEntry.action).startswith(action))
    if before_id is not None:
        statement = statement.where(col(AuditEntry.id) < before_id)
    return [(entry, email or "system") for entry, email in session.exec(statement).all()]
