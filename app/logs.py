"""Logging that cannot be forged or leak: CR/LF escaped, and only what is safe to keep.

Log lines name routes and record kinds, never an email address, letter text, password,
token or cookie; the formatter escapes line breaks so a value can never fake a second line.
"""

from __future__ import annotations

import logging
import sys


class SafeFormatter(logging.Formatter):
    """Escapes CR and LF (and other control characters) in the final message."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        head, sep, trace = text.partition("\nTraceback")
        head = head.replace("\r", "\\r").replace("\n", "\\n")
        head = "".join(c if c >= " " or c == "\t" else f"\\x{ord(c):02x}" for c in head)
        return head + (sep + trace if sep else "")


def configure_logging(level: int = logging.INFO) -> None:
    """Send the site's log lines to stderr through the safe formatter (idempotent)."""
    logger = logging.getLogger("consult")
    if any(getattr(h, "_consult", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._consult = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
