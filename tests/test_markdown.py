"""The Markdown renderer: safe by default, typographic, and linkified."""

from __future__ import annotations

import pytest

from app.markdown import is_safe_url, plain_text, reading_minutes, render_markdown, slugify
from tests.helpers import soup


def test_raw_html_is_escaped_not_rendered() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    doc = soup(html)
    assert doc.find("script") is None and doc.find("img") is None
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](java&#09;script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
    ],
)
def test_unsafe_link_schemes_never_become_links(link: str) -> None:
    doc = soup(render_markdown(link))
    assert doc.find("a") is None


def test_safe_links_are_kept_and_external_ones_get_noopener() -> None:
    doc = soup(render_markdown("[code](https://example.org/code) and [about](/about)"))
    external, internal = doc.find_all("a")
    assert external["href"] == "https://example.org/code"
    assert "noopener" in external["rel"]
    assert internal["href"] == "/about" and not internal.get("rel")


def test_typographer_and_linkify_are_on() -> None:
    html = render_markdown('She said "no" -- twice. See www.example.org')
    assert "\u201cno\u201d" in html and "\u2013" in html
    assert soup(html).find("a")["href"] == "http://www.example.org"


def test_is_safe_url() -> None:
    assert is_safe_url("https://a.example")
    assert is_safe_url("#section")
    assert is_safe_url("data:image/png;base64,AAAA")
    assert not is_safe_url(" \tjavascript:alert(1)")
    assert not is_safe_url("&#x6A;avascript:alert(1)")


def test_plain_text_reading_time_and_slugs() -> None:
    assert (
        plain_text("# Title\n\n**Bold** and [a link](https://x.example).")
        == "Title Bold and a link."
    )
    assert reading_minutes("word " * 10) == 1
    assert reading_minutes("word " * 461) == 3
    assert slugify("Sorry — I forgot her session!") == "sorry-i-forgot-her-session"
    assert slugify("???") == "untitled"
