"""Staff accounts: create, change role, disable (admins only, except the first account)."""

from __future__ import annotations

import hashlib

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from app.db import core
from app.editorial import audit
from app.editorial.passwords import hash_password, password_problem
from app.models import Role, Staff, StaffSession


class StaffError(ValueError):
    """A staff change that cannot be made; the message says why."""


def session_hash(session_id: str) -> str:
    """What is stored of a session id: its hash, so a copy of the database signs nobody in."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def create_staff(
    *, session: Session, email: str, role: str, password: str, name: str = "", by: int | None = None
) -> Staff:
    """A new account with an argon2id hash of a good password."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise StaffError("That is not a valid email address.") from exc
    if role not in {r.value for r in Role}:
        raise StaffError("The role must be admin, editor or columnist.")
    problem = password_problem(password)
    if problem:
        raise StaffError(problem)
    if session.exec(select(Staff).where(Staff.email == email)).first():
        raise StaffError("There is already an account with that email address.")
    staff = Staff(
        email=email, role=role, name=name.strip()[:120], password_hash=hash_password(password)
    )
    session.add(staff)
    session.flush()
    audit.record(
        session=session,
        action="staff.create",
        staff_id=by,
        target=f"staff:{staff.id}",
        detail=f"role={role}",
    )
    return staff


def change_staff(
    *,
    session: Session,
    staff: Staff,
    by: Staff,
    role: str | None = None,
    active: bool | None = None,
) -> None:
    """Change someone's role or disable them; disabling ends their sessions at once."""
    if staff.id == by.id and (active is False or (role and role != staff.role)):
        raise StaffError("You cannot disable yourself or change your own role.")
    if role is not None:
        if role not in {r.value for r in Role}:
            raise StaffError("The role must be admin, editor or columnist.")
        staff.role = role
    if active is not None:
        staff.active = active
        if not active:
            session.execute(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    session.add(staff)
    audit.record(
        session=session,
        action="staff.change",
        staff_id=by.id,
        target=f"staff:{staff.id}",
        detail=f"role={staff.role} active={staff.active}",
    )


def list_staff(*, session: Session) -> list[Staff]:
    """Everyone, by email."""
    return list(session.exec(select(Staff).order_by(col(Staff.email))).all())


_STAFF_NAMES = select(Staff.id, Staff.name, Staff.email).order_by(col(Staff.email))


def staff_names(db: Session | Connection) -> dict[int, str]:
    """Display names of all staff, by id."""
    rows = core(db).execute(_STAFF_NAMES)
    return {i: name or email for i, name, email in rows if i is not None}
