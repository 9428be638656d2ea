"""No admin page scrolls sideways on a 390 px phone: the tables become cards there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, NewContext
from tests.e2e.people import log_in
from tests.e2e.site import PASSWORD, Site

pytestmark = pytest.mark.e2e

ADMIN = ("phone.admin@example.org", "Ada Administrator-Longname")
WIDTH = """() => ({
  page: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll("main *")]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(el => !el.closest(".visually-hidden, .skip-link"))
    .slice(0, 3).map(el => el.outerHTML.slice(0, 100)),
})"""


@pytest.fixture(scope="module")
def admin(site: Site) -> tuple[str, str]:
    site.consult(
        "users", "create", ADMIN[0], "--role", "admin", "--name", ADMIN[1], "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    return ADMIN


def _sign_in_as_admin(page: Page, email: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Letters", level=1)).to_be_visible()


def _fits(page: Page, path: str) -> dict[str, object] | None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    measured: dict[str, object] = page.evaluate(WIDTH)
    return None if measured["page"] <= PHONE["width"] else measured


def test_admin_pages_fit_a_phone(new_context: NewContext, admin: tuple[str, str]) -> None:
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "editor")
    page.goto("/admin/columns")
    link = page.get_by_role("link", name=re.compile("scarf", re.IGNORECASE)).first
    column = str(link.get_attribute("href"))
    link.click()
    # Saving a draft of changes gives the column a revision to list and an audit entry.
    page.get_by_role("button", name=re.compile("^Save draft", re.IGNORECASE)).first.click()
    expect(page.locator(".flash")).to_contain_text("Draft of changes saved")
    paths = [
        "/admin/queue",
        "/admin/queue?state=all",
        "/admin/columns",
        "/admin/columns?sort=views&state=published",
        "/admin/audit",
        "/admin/newsletter",
        column.replace("/admin/columns/", "/admin/articles/") + "/revisions",
    ]
    too_wide = {path: found for path in paths if (found := _fits(page, path))}
    assert page.locator("table.revisions tbody tr").count() >= 1  # the last page had rows
    staff = new_context(viewport=PHONE).new_page()
    _sign_in_as_admin(staff, admin[0])
    for path in ("/admin/staff", "/admin/audit"):
        if found := _fits(staff, path):
            too_wide[f"{path} (admin)"] = found
    assert not too_wide, f"wider than {PHONE['width']} px: {too_wide}"


def test_a_phone_reads_each_cell_with_its_caption(
    new_context: NewContext, admin: tuple[str, str]
) -> None:
    page = new_context(viewport=PHONE).new_page()
    _sign_in_as_admin(page, admin[0])
    page.goto("/admin/staff")
    role = page.locator('table.staff-table td[data-label="Role"]').first
    assert role.evaluate("td => getComputedStyle(td, '::before').content") == '"Role: "'
    box = role.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator("table.staff-table thead").evaluate("el => el.offsetWidth") <= 1
