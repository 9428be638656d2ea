"""Dependencies shared by every feature's routes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.config import Settings


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request, closed afterwards."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # A connection the database dropped mid-request must not take the response with it.
        with contextlib.suppress(OperationalError):
            session.close()


def get_settings(request: Request) -> Settings:
    """The running app's settings."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
