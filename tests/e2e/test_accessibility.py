"""axe-core on every kind of page: no serious or critical violations anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import NewContext
from tests.e2e.people import log_in
from tests.e2e.tour import STOPS, Stop

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """() => axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                  "best-practice"]},
  resultTypes: ["violations"],
}).then(r => ({
  passed: r.passes.map(p => p.id),
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  })),
}))"""


def axe_violations(page: Page) -> list[dict[str, object]]:
    """What axe finds wrong with the page (after checking that it really looked)."""
    page.add_script_tag(path=AXE)
    result = page.evaluate(RUN_AXE)
    assert {"color-contrast", "label", "landmark-one-main"} & set(result["passed"]), result
    return list(result["violations"])


@pytest.mark.parametrize("stop", STOPS, ids=[s.name for s in STOPS])
def test_no_serious_or_critical_axe_violations(
    new_context: NewContext, sample_status: str, screens: Path, stop: Stop
) -> None:
    # The site's CSP rightly refuses the injected axe script, so this context ignores CSP.
    page = new_context(bypass_csp=True).new_page()
    if stop.staff:
        log_in(page, "editor")
    stop.visit(page, sample_status)
    violations = axe_violations(page)

    record = screens / "axe" / f"{stop.name}.json"
    record.parent.mkdir(exist_ok=True)
    record.write_text(json.dumps(violations, indent=1), encoding="utf-8")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, indent=1)
