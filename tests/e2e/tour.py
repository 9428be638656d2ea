"""The pages every visitor, reader and editor sees, for the accessibility pass and the screens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

SAMPLE_LETTER = (
    "Dear Ethics Consult,\n\n"
    "Last Tuesday a client, Tom, told me he had seen my husband at the Riverside Clinic where "
    "he works. He is 52 and very private. He asked me whether I would tell my husband what we "
    "talk about.\n\n"
    "I said no, of course, but he has been guarded ever since. How do I repair the trust?"
)
SAMPLE_WORDS = "told me he had seen my husband"
ARTICLE = "/columns/the-client-who-would-not-leave"
PUBLIC = {
    "home": "/",
    "article": ARTICLE,
    "topics": "/topics",
    "topic": "/topics/boundaries",
    "search": "/search?q=client",
    "ask": "/ask",
}

ADMIN = {
    "new-column": "/admin/columns/new",
    "admin-topics": "/admin/topics",
    "resources": "/admin/resources",
    "audit": "/admin/audit",
    "newsletter": "/admin/newsletter",
}


@dataclass(frozen=True)
class Stop:
    """One page of the tour: its name, and how a person gets there in an open page."""

    name: str
    staff: bool = False

    def visit(self, page: Page, status_path: str) -> None:
        if self.name in PUBLIC:
            page.goto(PUBLIC[self.name])
        elif self.name == "ask-error":
            page.goto("/ask")
            page.get_by_label("Your letter").fill("Too short to answer.")
            page.get_by_role("button", name="Send my letter").click()
            expect(page.get_by_role("alert")).to_be_visible()
        elif self.name == "status":
            page.goto(status_path)
        elif self.name == "login":
            page.goto("/admin/login")
        elif self.name == "queue":
            page.goto("/admin/queue")
        elif self.name == "columns":
            page.goto("/admin/columns")
        elif self.name == "column":
            page.goto("/admin/columns")
            page.get_by_role("link", name=re.compile("scarf", re.IGNORECASE)).first.click()
        elif self.name in ADMIN:
            page.goto(ADMIN[self.name])
        elif self.name == "letter":
            page.goto("/admin/queue")
            page.get_by_role("link", name=re.compile(SAMPLE_WORDS)).first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()


STOPS = [
    Stop("home"),
    Stop("article"),
    Stop("topics"),
    Stop("topic"),
    Stop("search"),
    Stop("ask"),
    Stop("ask-error"),
    Stop("status"),
    Stop("login"),
    Stop("queue", staff=True),
    Stop("letter", staff=True),
    Stop("columns", staff=True),
    Stop("column", staff=True),
    *(Stop(name, staff=True) for name in ADMIN),
]
