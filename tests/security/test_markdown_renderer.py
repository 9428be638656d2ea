"""The renderer under attack: property-based, and against inputs built to be slow."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.markdown import render_markdown
from tests.helpers import soup
from tests.security.payloads import DANGEROUS, XSS, assert_inert

SYNTAX = [
    *"<>[]()!*_`\"'&#;:\n \t=\\",
    "javascript:",
    "JaVaScRiPt:",
    "data:text/html,",
    "vbscript:",
    "&#x6A;",
    "<script>",
    "<img src=x onerror=alert(1)>",
    "http://a.example",
    "on",
]
PIECES = st.sampled_from([*SYNTAX, *XSS])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_no_input_produces_live_markup(text: str) -> None:
    html = render_markdown(text)
    assert_inert(html, "", "renderer")
    assert not soup(html).find_all(DANGEROUS)


# (repeated piece, how many times, what follows): each built to be slow for some parser.
PATHOLOGICAL = {
    "brackets": ("[", 50_000, ""),
    "emphasis": ("*a", 50_000, ""),
    "underscores": ("_", 50_000, "a"),
    "quotes": ("> ", 20_000, "x"),
    "links": ("[a](", 20_000, ""),
    "angles": ("<", 50_000, ""),
    "backticks": ("`", 50_000, ""),
    "lists": ("- ", 25_000, ""),
    "images": ("![", 25_000, "](x)" * 10),
}
# Four times the input may cost at most this many times the CPU: linear work gives about 4,
# work that grows with the square of the input 16 and more. Judged by growth rather than by a
# time limit, so a slow or busy machine does not fail it and a fast one does not hide a
# blow-up.
MAX_GROWTH = 9.0


@pytest.mark.parametrize("piece", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_inputs_cost_grows_linearly(piece: tuple[str, int, str]) -> None:
    unit, count, tail = piece
    quarter, whole = (_render_seconds(unit * (count * k // 4) + tail) for k in (1, 4))
    assert whole < 10.0, f"{whole:.2f} s of CPU for {len(unit) * count} characters"
    assert whole < MAX_GROWTH * max(quarter, 0.02), (quarter, whole)


def _render_seconds(text: str) -> float:
    """CPU seconds to render `text`, best of three, in a fresh interpreter without the coverage
    tracer (which slows any code 3-5x)."""
    script = (
        "import sys, time\n"
        "from app.markdown import render_markdown\n"
        "text = sys.stdin.read()\n"
        "best = float('inf')\n"
        "for _ in range(3):\n"
        "    started = time.process_time()\n"
        "    render_markdown(text)\n"
        "    best = min(best, time.process_time() - started)\n"
        "print(best)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return float(result.stdout)
