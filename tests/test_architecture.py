"""The house rules for imports, read from the code itself (grimp builds the import graph).

- The core (modules at the top of `app/`, and `app.db`) imports no feature.
- Features import one way, in the order of `LAYERS`: a feature may use those after it, never
  those before it.
- No module holding routes imports another module holding routes.
- No import loop, counting imports made inside functions.

`app.main` and `app.cli` put the features together, so they may import any of them.
"""

from __future__ import annotations

import importlib
from functools import cache

import grimp
import pytest
from fastapi import APIRouter

# Letters come in, editors answer them, the newsletter and the public site read what is published.
LAYERS = ("app.submissions", "app.editorial", "app.newsletter", "app.publishing")
COMPOSITION = {"app.main", "app.cli"}


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("app", cache_dir=None)


def feature_of(module: str) -> str | None:
    return next((f for f in LAYERS if module == f or module.startswith(f + ".")), None)


def imports() -> list[tuple[str, str]]:
    g = graph()
    return sorted(
        (importer, imported)
        for importer in g.modules
        for imported in g.find_modules_directly_imported_by(importer)
    )


def is_core(module: str) -> bool:
    return feature_of(module) is None and module not in COMPOSITION and module != "app"


def test_the_core_imports_no_feature() -> None:
    wrong = [(a, b) for a, b in imports() if is_core(a) and feature_of(b)]
    assert not wrong, f"core modules importing a feature: {wrong}"


def test_features_import_one_way() -> None:
    rank = {feature: n for n, feature in enumerate(LAYERS)}
    wrong = []
    for a, b in imports():
        fa, fb = feature_of(a), feature_of(b)
        if fa and fb and rank[fb] < rank[fa]:
            wrong.append((a, b))
    assert not wrong, f"imports against the order {' > '.join(LAYERS)}: {wrong}"


def route_modules() -> set[str]:
    found = set()
    for module in graph().modules:
        if is_core(module) or module in COMPOSITION or module == "app":
            continue
        loaded = importlib.import_module(module)
        if any(isinstance(value, APIRouter) for value in vars(loaded).values()):
            found.add(module)
    return found


def test_no_route_module_imports_another() -> None:
    routes = route_modules()
    assert len(routes) > 10, "the route modules were not found"
    wrong = [(a, b) for a, b in imports() if a in routes and b in routes and a != b]
    assert not wrong, f"route modules importing route modules: {wrong}"


def cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    g = graph()
    edges = {m: sorted(g.find_modules_directly_imported_by(m)) for m in g.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_no_import_loops() -> None:
    assert cycles() == []


@pytest.mark.parametrize(
    ("importer", "imported", "rule"),
    [
        ("app.models", "app.editorial.workflow", "core"),
        ("app.publishing.routes", "app.editorial.workflow", "order"),
    ],
)
def test_the_rules_see_a_wrong_import(importer: str, imported: str, rule: str) -> None:
    """The checks above would catch a bad import (they are not vacuous)."""
    if rule == "core":
        assert is_core(importer) and feature_of(imported)
    else:
        rank = {feature: n for n, feature in enumerate(LAYERS)}
        assert rank[feature_of(imported) or ""] < rank[feature_of(importer) or ""]
