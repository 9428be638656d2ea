"""The one Markdown renderer: raw HTML off, unsafe links refused, typography on."""

from __future__ import annotations

import html
import math
import re
import unicodedata

from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 230
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SAFE_DATA_IMAGES = ("data:image/gif;", "data:image/png;", "data:image/jpeg;", "data:image/webp;")
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def is_safe_url(url: str) -> bool:
    """True for relative URLs and http(s)/mailto; false for javascript:, vbscript:, data: etc."""
    cleaned = _CONTROL_AND_SPACE.sub("", html.unescape(url)).lower()
    if cleaned.startswith(_SAFE_DATA_IMAGES):
        return True
    match = _SCHEME.match(cleaned)
    if match is None:
        # No scheme: a relative URL, a fragment or a path, unless a colon hides one.
        return ":" not in cleaned.split("/", 1)[0]
    return cleaned.startswith(_SAFE_SCHEMES)


def _make_parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark",
        {"html": False, "linkify": True, "typographer": True, "breaks": False},
    )
    parser.enable(["linkify", "replacements", "smartquotes", "strikethrough", "table"])
    parser.validateLink = is_safe_url  # type: ignore[method-assign]

    def link_open(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        # Links leaving the site must not hand it the referrer or window.opener.
        href = str(tokens[idx].attrGet("href") or "")
        if href.startswith(("http:", "https:")):
            tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    parser.add_render_rule("link_open", link_open)
    return parser


_PARSER = _make_parser()


def render_markdown(text: str) -> str:
    """Markdown to safe HTML, for storing when an article is saved."""
    return str(_PARSER.render(text))


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup (for search and summaries)."""
    tokens = _PARSER.parse(text)
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            parts.extend(child.content for child in token.children if child.type == "text")
            parts.append(" ")
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def reading_minutes(*texts: str) -> int:
    """Whole minutes to read the texts at an unhurried pace (at least one)."""
    words = sum(len(t.split()) for t in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text with the control characters that no page, feed or mail may carry removed."""
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def slugify(text: str, max_length: int = 80) -> str:
    """A lower-case, hyphenated ASCII slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"
