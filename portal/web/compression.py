"""Compressed responses: brotli or gzip, as the reader's Accept-Encoding allows.

A rural phone on a slow line pays for every byte; text compresses to a fifth. Pages from the
page cache are compressed once when stored (`portal.web.page_cache` keeps the compressed
body under its encoding), static files once per process (`portal.web.assets`); this module's
hook compresses what is left: live pages for signed-in readers, API answers, feeds.
Streamed bodies (large downloads) and already compressed formats (PDF, ZIP, images) are
sent as they are.
"""

from __future__ import annotations

import gzip

import brotli
from flask import Flask, Response, request

# On equal quality the server prefers brotli: about 10 % smaller than gzip on our pages.
ENCODINGS = ("br", "gzip")
COMPRESSIBLE_TYPES = frozenset({
    "text/html", "text/css", "text/plain", "text/csv", "text/calendar", "text/javascript",
    "application/javascript", "application/json", "application/problem+json",
    "application/xml", "application/atom+xml", "application/rss+xml", "image/svg+xml",
})
# Below this a compressed body is barely smaller, and costs the phone a decompression.
MIN_SIZE = 500
# Levels for bodies compressed during a request (a cached page is compressed once per data
# version): brotli 5 takes ~2.5 ms for 28 KB and is within 10 % of its best (11, ~110 ms,
# kept for static files that are compressed once per process). gzip 6 is zlib's default.
BROTLI_QUALITY = 5
BROTLI_QUALITY_STATIC = 11
GZIP_LEVEL = 6


def negotiate(accept_encoding: str | None) -> str | None:
    """The encoding to send: the highest-quality one the reader accepts, brotli on a tie;
    None for the identity. An encoding the reader names with q=0 is never sent, even when
    it also says `*`."""
    if not accept_encoding:
        return None
    qualities: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        if name.strip():
            qualities[name.strip()] = quality
    best: str | None = None
    best_quality = 0.0
    for encoding in ENCODINGS:
        quality = qualities.get(encoding, qualities.get("*", 0.0))
        if quality > best_quality:
            best, best_quality = encoding, quality
    return best


def compress(body: bytes, encoding: str, *, static: bool = False) -> bytes:
    if encoding == "br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY_STATIC if static
                                     else BROTLI_QUALITY))
    if encoding == "gzip":
        # mtime=0: the same body always gives the same bytes (and so the same ETag).
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    raise ValueError(f"unknown encoding {encoding!r}")


def is_compressible(mimetype: str | None) -> bool:
    return mimetype in COMPRESSIBLE_TYPES


def add_vary(response: Response) -> None:
    """Caches between us and the reader must keep one copy per encoding."""
    if is_compressible(response.mimetype):
        response.vary.add("Accept-Encoding")


def encode_body(body: bytes, mimetype: str | None, accept_encoding: str | None,
                *, static: bool = False) -> tuple[bytes, str | None]:
    """The body to send and its Content-Encoding (None: sent as it is)."""
    encoding = negotiate(accept_encoding)
    if encoding is None or not is_compressible(mimetype) or len(body) < MIN_SIZE:
        return body, None
    return compress(body, encoding, static=static), encoding


def set_encoded(response: Response, body: bytes, encoding: str | None) -> None:
    response.set_data(body)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    add_vary(response)


def compress_response(response: Response) -> Response:
    """After every request: compress a whole, uncompressed text body the reader accepts."""
    if "Content-Encoding" in response.headers:
        return response  # compressed already (a cached page, a static file) or deliberately not
    add_vary(response)
    if (response.is_streamed or response.direct_passthrough
            or not is_compressible(response.mimetype)
            or not 200 <= response.status_code < 300 or response.status_code == 204):
        return response
    body = response.get_data()
    encoded, encoding = encode_body(body, response.mimetype,
                                    request.headers.get("Accept-Encoding"))
    if encoding is None:
        return response
    set_encoded(response, encoded, encoding)
    # A strong ETag names exact bytes: the compressed body is another representation.
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}-{encoding}")
    return response


def register(app: Flask) -> None:
    # Registered before the page cache: Flask runs after-request hooks in reverse order, so
    # this one sees the response after the page cache has stored (and compressed) it.
    app.after_request(compress_response)
