"""The chart: requests/s of each page against the number of articles (log scale), so the growth
of cost with N can be seen. matplotlib when installed (`pip install -e '.[bench]'`), else Pillow."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

SERIES = [
    "article",
    "article_304",
    "home",
    "topic",
    "search",
    "feed",
    "queue",
    "submit",
    "article_cold",
    "search_cold",
    "queue_cold",
]
COLOURS = [
    "#1b6f86",
    "#7fb7c9",
    "#c0573e",
    "#e0a33b",
    "#5b8c3a",
    "#7a4f9a",
    "#555555",
    "#b03060",
    "#2f4f4f",
    "#a0522d",
    "#4682b4",
]


def _series(results: dict[str, Any], field: str = "rps") -> dict[str, dict[int, float]]:
    bare_field = "bare_rps" if field == "rps" else "bare_cpu_ms_per_request"
    lines: dict[str, dict[int, float]] = {}
    for run in results["runs"]:
        suffix = "" if run["backend"] == "sqlite" else f" ({run['backend']})"
        for key in SERIES:
            row = run["rows"].get(key)
            if row and field in row:
                lines.setdefault(row["label"] + suffix, {})[run["articles"]] = row[field]
        bare = [r[bare_field] for r in run["rows"].values() if bare_field in r]
        if bare:
            lines.setdefault("bare app" + suffix, {})[run["articles"]] = sum(bare) / len(bare)
    return lines


def draw_chart(results: dict[str, Any], path: Path) -> Path:
    """Write the PNG and return its path: requests/s against N, and (when the results have
    it) the server's CPU per request against N, which a busy machine disturbs far less."""
    lines = _series(results)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return _draw_with_pillow(lines, path)
    cpu = _series(results, "cpu_ms_per_request")
    panels = [(lines, "requests per second (2 workers, 64 connections)")]
    if cpu:
        panels.append((cpu, "server CPU per request (ms)"))
    figure, _ = plt.subplots(len(panels), 1, figsize=(10, 5 * len(panels)), dpi=100)
    for axes, (series, label) in zip(figure.axes, panels, strict=True):
        _plot(axes, series, label)
    figure.axes[0].set_title("Ethics Consult against N (x on the floor: no answer in the run)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def _plot(axes: Any, lines: dict[str, dict[int, float]], label: str) -> None:
    positive = [v for points in lines.values() for v in points.values() if v > 0] or [1.0]
    floor = min(positive) / 2
    for index, (name, points) in enumerate(lines.items()):
        xs = sorted(points)
        style = "--" if "postgres" in name else "-"
        colour = "#000000" if name.startswith("bare") else COLOURS[index % len(COLOURS)]
        ys = [points[x] if points[x] > 0 else float("nan") for x in xs]
        axes.plot(xs, ys, style, marker="o", label=name, color=colour)
        zeros = [x for x in xs if points[x] <= 0]  # no answer at all: an x on the floor
        axes.plot(zeros, [floor] * len(zeros), "x", color=colour, markersize=9)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_ylim(bottom=floor / 1.5)
    sizes = sorted({x for points in lines.values() for x in points})
    axes.set_xticks(sizes, [f"{x:,}" for x in sizes])
    axes.set_xlabel("articles in the database (N)")
    axes.set_ylabel(label)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))


def _draw_with_pillow(lines: dict[str, dict[int, float]], path: Path) -> Path:
    import math

    width, height, left, bottom, top, right = 1000, 600, 80, 60, 40, 260
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    sizes = sorted({x for points in lines.values() for x in points}) or [1]
    values = [v for points in lines.values() for v in points.values() if v > 0] or [1.0]
    x_low, x_high = math.log10(sizes[0]) - 0.2, math.log10(sizes[-1]) + 0.2
    y_low, y_high = math.log10(min(values)) - 0.1, math.log10(max(values)) + 0.1

    def at(x: float, y: float) -> tuple[float, float]:
        px = left + (math.log10(x) - x_low) / (x_high - x_low) * (width - left - right)
        py = (
            height
            - bottom
            - (math.log10(max(y, 1e-9)) - y_low) / (y_high - y_low) * (height - bottom - top)
        )
        return px, py

    draw.rectangle([left, top, width - right, height - bottom], outline="black")
    draw.text((left, 10), "Ethics Consult: requests/s against N (log-log)", fill="black")
    for size in sizes:
        x, _ = at(size, 1)
        draw.text((x - 15, height - bottom + 8), f"{size:,}", fill="black")
    for index, (label, points) in enumerate(lines.items()):
        colour = "#000000" if label.startswith("bare") else COLOURS[index % len(COLOURS)]
        xy = [at(x, points[x]) for x in sorted(points)]
        if len(xy) > 1:
            draw.line(xy, fill=colour, width=2)
        for px, py in xy:
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=colour)
        draw.text((width - right + 10, top + 16 * index), label, fill=colour)
    image.save(path)
    return path


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/latest.json")
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".png")
    print(draw_chart(json.loads(source.read_text()), target))
