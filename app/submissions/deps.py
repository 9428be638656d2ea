"""What the letter routes are given: the topics a letter may name, and the letter writer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.exc import OperationalError

from app.deps import part
from app.editorial.reads import Reads
from app.submissions.letter_writer import LetterWriter


async def letter_topics(reads: Reads) -> list[str] | None:
    """The topics a letter may name, or None when they cannot be read just now."""
    try:
        # A brief read on a connection of its own, before the route: none is held while the
        # letter's write waits.
        return await reads.topic_names()
    except OperationalError:
        return None


LetterTopics = Annotated[list[str] | None, Depends(letter_topics)]
Writer = Annotated[LetterWriter, part(LetterWriter)]
