"""Hostile inputs, and the checks that prove none of them became live markup."""

from __future__ import annotations

import html
import re

from tests.helpers import soup

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '" onmouseover="alert(1)',
    "'><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "{{7*7}} {% raw %}${7*7}",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x"></object><embed src="x">',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=q></form>',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '[a](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    '<a href="javascript:alert(1)">x</a>',
    "[x](java\x00script:alert(1))",
]
DANGEROUS = [
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "meta",
    "base",
    "form",
    "link",
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "srcset",
    "xlink:href",
    "background",
    "poster",
}
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_RASTER = ("data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp")


def bad_scheme(value: str) -> bool:
    """True for javascript:, vbscript: and non-raster data: URLs, however disguised."""
    cleaned = _CONTROL.sub("", html.unescape(value)).lower()
    if cleaned.startswith("data:"):
        return not cleaned.startswith(_RASTER)
    return cleaned.startswith(("javascript:", "vbscript:"))


def dangerous_signature(markup: str) -> list[tuple[str, tuple[str, ...]]]:
    """The dangerous elements of a page (name and attribute names), to compare with a
    baseline: the site's own scripts and forms are fine, new ones from user text are not."""
    doc = soup(markup)
    return sorted((el.name, tuple(sorted(el.attrs))) for el in doc.find_all(DANGEROUS))


def assert_inert(markup: str, baseline: str, where: str) -> None:
    """No element, event handler or URL in `markup` that the harmless baseline lacks."""
    assert dangerous_signature(markup) == dangerous_signature(baseline), where
    for element in soup(markup).find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (where, element.name, name)
            if name.lower() in URL_ATTRIBUTES:
                values = value if isinstance(value, list) else [value]
                assert not any(bad_scheme(v) for v in values), (where, element.name, value)
