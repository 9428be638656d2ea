"""Hero images from editors: checked, re-encoded (so EXIF and GPS are gone) and stored."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MAX_WIDTH = 1600
ALLOWED = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding a single pixel


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why."""


def store_hero(data: bytes, media_dir: Path) -> tuple[str, int, int]:
    """Re-encode an uploaded JPEG/PNG/WebP as WebP without metadata; returns (name, w, h)."""
    if len(data) > MAX_BYTES:
        raise ImageRejected("The image is larger than 5 MB. Please use a smaller one.")
    from PIL import Image, ImageOps, UnidentifiedImageError  # not loaded in every worker

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("The image has too many pixels. Please use a smaller one.")
            probe.verify()
        if kind not in ALLOWED:
            raise ImageRejected("Please upload a JPEG, PNG or WebP image.")
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            picture: Image.Image = ImageOps.exif_transpose(opened)
        picture = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
        if picture.width > MAX_WIDTH:
            height = round(picture.height * MAX_WIDTH / picture.width)
            picture = picture.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="WEBP", quality=82, method=4)  # no exif=: metadata is dropped
        width, height = picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRejected("That file is not an image we can read.") from exc
    encoded = out.getvalue()
    name = f"{hashlib.sha256(encoded).hexdigest()[:20]}.webp"
    media_dir.mkdir(parents=True, exist_ok=True)
    (media_dir / name).write_bytes(encoded)
    return name, width, height


# The names this store (and the content import) give images: a digest of the bytes.
STORED_NAME = re.compile(r"[0-9a-f]{20}\.(?:webp|jpg|png)")


def stored_hero(name: str, media_dir: Path) -> tuple[str, int, int] | None:
    """(name, width, height) of an image already in the media folder, if `name` is one this
    store makes and the file is there; None for anything else."""
    if not STORED_NAME.fullmatch(name):
        return None
    path = media_dir / name
    if not path.is_file():
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return None
    return name, width, height
