#!/usr/bin/env python3
"""Generate a calm, abstract watercolour-style hero image for every column.

Reads the column slugs from ../*.md (the file name without ``.md`` is the slug),
and writes ``<slug>.webp`` next to this script: 1200x630, WebP quality ~60.

Each image is fully determined by its slug, so re-running the script gives the
same pictures; adding a column and re-running adds its image.

Usage:
    python make_heroes.py            # (re)generate all images
    python make_heroes.py --describe # also print a plain description per image
    python make_heroes.py SLUG ...   # only these slugs
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 630
# Pigment layers are painted at half size and scaled up: they are soft anyway,
# and it keeps the script quick.
SCALE = 2
QUALITY = 60
MAX_BYTES = 60_000

HERE = Path(__file__).resolve().parent
COLUMNS_DIR = HERE.parent

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Family:
    name: str
    hues: tuple[tuple[float, float], ...]  # hue ranges in degrees for pigments
    sat: tuple[float, float]
    val: tuple[float, float]
    paper_hue: tuple[float, float]


# Muted earthy, sea and dusk families.  Saturation stays low so nothing shouts.
FAMILIES = (
    Family("earth", ((14, 40), (30, 50), (80, 110)), (0.28, 0.48), (0.58, 0.80), (30, 45)),
    Family("sea", ((165, 200), (195, 215), (35, 48)), (0.22, 0.42), (0.55, 0.78), (40, 200)),
    Family("dusk", ((255, 285), (320, 350), (20, 35)), (0.18, 0.36), (0.55, 0.78), (20, 280)),
    Family("moss", ((85, 130), (40, 55), (175, 200)), (0.20, 0.40), (0.52, 0.74), (45, 90)),
)


@dataclass(frozen=True)
class Blob:
    colour: RGB
    cx: float  # centre, as a fraction of width
    cy: float  # centre, as a fraction of height
    radius: float  # as a fraction of height
    strength: float


def seeded_rng(slug: str) -> random.Random:
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def hsv(h_deg: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb((h_deg % 360) / 360.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


def colour_name(rgb: RGB) -> str:
    """A plain-language name for a muted colour, for alt-text suggestions."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    hue = h * 360
    if s < 0.2:
        return "warm grey" if hue < 90 or hue > 330 else "cool grey"
    if hue < 15 or hue >= 335:
        return "mauve" if s < 0.3 else "dusty rose"
    if hue < 35:
        if s < 0.25:
            return "taupe"
        if v < 0.65:
            return "brown"
        return "caramel" if s >= 0.38 else "tan"
    if hue < 50:
        if s < 0.25:
            return "taupe"
        if v < 0.65:
            return "olive brown"
        return "ochre" if s >= 0.38 else "sand"
    if hue < 75:
        return "olive" if v < 0.65 else "khaki"
    if hue < 150:
        if v < 0.6:
            return "moss green"
        return "leaf green" if s >= 0.4 else "sage green"
    if hue < 185:
        return "sea green"
    if hue < 205:
        return "teal"
    if hue < 240:
        return "slate blue"
    if hue < 265:
        return "dusky blue"
    if hue < 300:
        return "muted violet" if v < 0.62 else "lavender"
    return "mauve" if s < 0.3 else "plum"


def tint_name(rgb: RGB) -> str:
    """Name a very pale background tint by its hue alone."""
    h, _s, _v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    hue = h * 360
    for limit, name in (
        (20, "pale blush"),
        (45, "pale peach"),
        (70, "pale cream"),
        (160, "pale mint"),
        (200, "pale aqua"),
        (245, "pale sky-blue"),
        (300, "pale lilac"),
        (345, "pale pink"),
        (360, "pale blush"),
    ):
        if hue <= limit:
            return name
    return "pale blush"


def make_palette(rng: random.Random) -> tuple[Family, RGB, RGB, RGB, list[RGB]]:
    family = FAMILIES[rng.randrange(len(FAMILIES))]
    paper = hsv(rng.uniform(*family.paper_hue), rng.uniform(0.03, 0.07), 0.97)
    # Gentle gradient: two pale tints of the family's first and second hues.
    top = hsv(rng.uniform(*family.hues[rng.randrange(2)]), rng.uniform(0.05, 0.10), 0.95)
    bottom = hsv(rng.uniform(*family.paper_hue), rng.uniform(0.04, 0.09), 0.98)
    pigments = []
    for lo_hi in family.hues:
        pigments.append(
            hsv(rng.uniform(*lo_hi), rng.uniform(*family.sat), rng.uniform(*family.val))
        )
    rng.shuffle(pigments)
    return family, paper, top, bottom, pigments


def gradient(size: tuple[int, int], top: RGB, bottom: RGB, angle: float) -> Image.Image:
    w, h = size
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC)
    ramp = ramp.crop((48, 48, 208, 208)).resize((w, h), Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def deform(
    points: list[tuple[float, float]], rng: random.Random, depth: int, wobble: float
) -> list[tuple[float, float]]:
    """Recursive midpoint displacement: the classic trick for wet, ragged edges."""
    for _ in range(depth):
        new: list[tuple[float, float]] = []
        for i, (x1, y1) in enumerate(points):
            x2, y2 = points[(i + 1) % len(points)]
            new.append((x1, y1))
            length = math.hypot(x2 - x1, y2 - y1)
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            new.append((mx + rng.gauss(0, length * wobble), my + rng.gauss(0, length * wobble)))
        points = new
    return points


def blob_mask(size: tuple[int, int], blob: Blob, rng: random.Random) -> Image.Image:
    w, h = size
    cx, cy, r = blob.cx * w, blob.cy * h, blob.radius * h
    sides = rng.randint(7, 11)
    stretch = rng.uniform(0.8, 1.35)
    base = [
        (
            cx + math.cos(2 * math.pi * k / sides) * r * stretch * rng.uniform(0.8, 1.15),
            cy + math.sin(2 * math.pi * k / sides) * r * rng.uniform(0.8, 1.15),
        )
        for k in range(sides)
    ]
    base = deform(base, rng, 3, 0.2)
    acc = Image.new("L", size, 0)
    layers = 26
    step = max(1, round(255 * blob.strength / layers * 1.25))
    for _ in range(layers):
        shape = deform(base, rng, 2, 0.18)
        layer = Image.new("L", size, 0)
        ImageDraw.Draw(layer).polygon(shape, fill=step)
        acc = ImageChops.add(acc, layer)
    acc = acc.filter(ImageFilter.GaussianBlur(1.6))
    # Pigment pools at the edge of a drying wash: darken the rim a little.
    rim = ImageChops.subtract(acc, acc.filter(ImageFilter.GaussianBlur(7)))
    acc = ImageChops.add(acc, rim.point(lambda v: min(255, v * 2)))
    return acc


def paint(canvas: Image.Image, mask: Image.Image, colour: RGB) -> Image.Image:
    """Multiply a tinted wash onto the canvas, so overlaps mix like real paint."""
    tint = Image.composite(
        Image.new("RGB", canvas.size, colour), Image.new("RGB", canvas.size, "white"), mask
    )
    return ImageChops.multiply(canvas, tint)


def paper_grain(rng: random.Random) -> Image.Image:
    # Large, soft mottling plus a faint fine tooth.  Kept low-contrast so the
    # WebP stays small and the texture reads as paper, not noise.
    coarse = Image.effect_noise((WIDTH // 24, HEIGHT // 24), 28).resize(
        (WIDTH, HEIGHT), Image.Resampling.BICUBIC
    )
    fine = (
        Image.effect_noise((WIDTH // 2, HEIGHT // 2), 18)
        .resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
        .filter(ImageFilter.GaussianBlur(0.7))
    )
    grain = Image.blend(coarse, fine, 0.35)
    # Centre it on mid-grey and squash the range: overlay with 128 is a no-op.
    return grain.point(lambda v: 128 + (v - 128) * 0.6).convert("RGB")


def place_blobs(rng: random.Random, pigments: list[RGB]) -> list[Blob]:
    blobs: list[Blob] = []
    count = rng.randint(3, 4)
    # Spread centres across the width so compositions vary but stay balanced.
    slots = sorted(rng.sample([0.14, 0.3, 0.46, 0.62, 0.78, 0.9], count))
    for i, x in enumerate(slots):
        blobs.append(
            Blob(
                colour=pigments[i % len(pigments)],
                cx=x + rng.uniform(-0.05, 0.05),
                cy=rng.uniform(0.3, 0.72),
                radius=rng.uniform(0.3, 0.46) if i % 2 == 0 else rng.uniform(0.18, 0.3),
                strength=rng.uniform(0.38, 0.62),
            )
        )
    return blobs


def describe(family: Family, top: RGB, blobs: list[Blob], glaze: Blob) -> str:
    def where(b: Blob) -> str:
        if b.cx < 0.36:
            return "on the left"
        if b.cx > 0.64:
            return "on the right"
        return "in the centre"

    ordered = sorted(blobs, key=lambda b: -b.radius)
    parts = []
    for b in ordered:
        size = "large" if b.radius > 0.36 else "medium" if b.radius > 0.24 else "small"
        parts.append(f"a {size} {colour_name(b.colour)} wash {where(b)}")
    shapes = ", ".join(parts[:-1]) + f" and {parts[-1]}"
    tint = tint_name(top)
    background = (
        "soft cream paper" if tint == "pale cream" else f"paper shading from {tint} to cream"
    )
    return (
        f"Abstract watercolour on grainy paper ({family.name} tones): {shapes}, "
        f"soft-edged and overlapping, under a faint {colour_name(glaze.colour)} haze, "
        f"on {background}."
    )


def render(slug: str) -> tuple[Image.Image, str]:
    rng = seeded_rng(slug)
    family, paper, top, bottom, pigments = make_palette(rng)
    small = (WIDTH // SCALE, HEIGHT // SCALE)
    canvas = gradient(small, top, bottom, rng.uniform(-35, 35))
    canvas = Image.blend(canvas, Image.new("RGB", small, paper), 0.35)
    # One faint, broad glaze first ties the composition together.
    glaze = Blob(
        pigments[rng.randrange(len(pigments))],
        rng.uniform(0.3, 0.7),
        rng.uniform(0.35, 0.65),
        rng.uniform(0.5, 0.65),
        0.1,
    )
    canvas = paint(canvas, blob_mask(small, glaze, rng), glaze.colour)
    blobs = place_blobs(rng, pigments)
    for blob in blobs:
        canvas = paint(canvas, blob_mask(small, blob, rng), blob.colour)
    canvas = canvas.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.7))
    canvas = ImageChops.overlay(canvas, paper_grain(rng))
    return canvas, describe(family, top, blobs, glaze)


def save(img: Image.Image, path: Path) -> int:
    quality = QUALITY
    while True:
        img.save(path, "WEBP", quality=quality, method=6)
        size = path.stat().st_size
        if size < MAX_BYTES or quality <= 30:
            return size
        quality -= 5


def column_slugs() -> list[str]:
    return sorted(p.stem for p in COLUMNS_DIR.glob("*.md"))


def main(argv: list[str]) -> int:
    show = "--describe" in argv
    wanted = [a for a in argv if not a.startswith("--")] or column_slugs()
    if not wanted:
        print(f"no columns found in {COLUMNS_DIR}", file=sys.stderr)
        return 1
    total = 0
    for slug in wanted:
        img, text = render(slug)
        size = save(img, HERE / f"{slug}.webp")
        total += size
        print(f"{slug}.webp  {size / 1024:.1f} KB")
        if show:
            print(f"    {text}")
    print(f"{len(wanted)} images, {total / 1024:.1f} KB in total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
