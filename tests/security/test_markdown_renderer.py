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


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000,
        "*a" * 50_000,
        "_" * 50_000 + "a",
        "> " * 20_000 + "x",
        "[a](" * 20_000,
        "<" * 50_000,
        "`" * 50_000,
        "- " * 25_000,
        "![" * 25_000 + "](x)" * 10,
    ],
    ids=[
        "brackets",
        "emphasis",
        "underscores",
        "quotes",
        "links",
        "angles",
        "backticks",
        "lists",
        "images",
    ],
)
def test_pathological_inputs_render_in_under_a_second(text: str) -> None:
    # Timed in a fresh interpreter without the coverage tracer, which slows any code 3-5x;
    # CPU time, so that other work on the machine does not count against the renderer.
    script = (
        "import sys, time\n"
        "from app.markdown import render_markdown\n"
        "text = sys.stdin.read()\n"
        "started = time.process_time()\n"
        "render_markdown(text)\n"
        "print(time.process_time() - started)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert float(result.stdout) < 1.0
