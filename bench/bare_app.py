"""The yardstick: a bare FastAPI app that answers every GET with the same 20 KB HTML page."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response

PARAGRAPH = "<p>" + "Plain words of a fixed page, the same for every request. " * 8 + "</p>\n"
PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bare</title></head><body>"
    + PARAGRAPH * (20_000 // len(PARAGRAPH))
    + "</body></html>"
).encode()

app = FastAPI()


# `async def`: no thread-pool hop, the fastest a FastAPI route gets (a tougher yardstick than
# the 7,000/s sync route of DESIGN.md).
@app.get("/{path:path}")
async def page(path: str) -> Response:
    return Response(PAGE, media_type="text/html; charset=utf-8")


@app.post("/{path:path}")
async def created(path: str) -> JSONResponse:
    # The same shape of answer as POST /api/v1/questions, with no work behind it.
    return JSONResponse({"token": "bare", "status_url": "/bare"}, status_code=201)
