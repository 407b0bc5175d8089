"""Static files: addresses that carry a hash of the content, kept by browsers for a year.

`url_for('static', filename=…)` adds `?v=<hash of the file>`. A request whose `v` is the
file's current hash is answered with `Cache-Control: public, max-age=31536000, immutable`:
the reader's browser never asks again, and a changed file gets a new address. Any other
request (no `v`, or the hash of an older file) gets `no-cache` and revalidates by ETag, so a
stale hash is never kept for a year.

Text files (CSS, scripts, SVG) are read once per process, again when they change, and
compressed once per encoding at brotli's best; other files (fonts, images) are sent from disk.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, request, send_file
from werkzeug.security import safe_join

from portal.permissions import public
from portal.web import caching, compression

VERSION_PARAM = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass
class Asset:
    path: Path
    stamp: tuple[int, int]  # modification time (ns) and size: a changed file is read again
    version: str  # the first 16 hex digits of the content's SHA-256
    mimetype: str
    body: bytes | None  # kept for compressible files only
    encoded: dict[str, bytes] = field(default_factory=dict)

    def variant(self, encoding: str | None) -> tuple[bytes, str | None]:
        """The body for an encoding (compressed on first use), and the encoding applied."""
        assert self.body is not None  # noqa: S101 - only called for kept bodies
        if encoding is None or len(self.body) < compression.MIN_SIZE:
            return self.body, None
        if encoding not in self.encoded:
            self.encoded[encoding] = compression.compress(self.body, encoding, static=True)
        return self.encoded[encoding], encoding


# Per process, by absolute path; a few dozen kilobytes of CSS and scripts.
_assets: dict[str, Asset] = {}


def load(filename: str) -> Asset | None:
    """The static file `filename` (a path under the static folder), or None."""
    folder = current_app.static_folder
    joined = safe_join(folder, filename) if folder else None
    if joined is None:
        return None
    path = Path(joined)
    try:
        status = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    stamp = (status.st_mtime_ns, status.st_size)
    asset = _assets.get(joined)
    if asset is not None and asset.stamp == stamp:
        return asset
    content = path.read_bytes()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    asset = Asset(path=path, stamp=stamp, version=hashlib.sha256(content).hexdigest()[:16],
                  mimetype=mimetype,
                  body=content if compression.is_compressible(mimetype) else None)
    _assets[joined] = asset
    return asset


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    """`url_for('static', filename=…)` → `/static/…?v=<hash>` (a URL default of the app)."""
    if endpoint != "static" or VERSION_PARAM in values or "filename" not in values:
        return
    asset = load(str(values["filename"]))
    if asset is not None:
        values[VERSION_PARAM] = asset.version


@public
def serve_static(filename: str) -> Response:
    asset = load(filename)
    if asset is None:
        abort(404)
    if asset.body is None:
        response = send_file(asset.path, mimetype=asset.mimetype, etag=asset.version,
                             conditional=True, max_age=None)
    else:
        body, encoding = asset.variant(
            compression.negotiate(request.headers.get("Accept-Encoding")))
        response = Response(body, mimetype=asset.mimetype)
        compression.set_encoded(response, body, encoding)
        response.set_etag(asset.version if encoding is None else f"{asset.version}-{encoding}")
        response.last_modified = datetime.fromtimestamp(asset.stamp[0] / 1e9, UTC)
    response.headers["Cache-Control"] = (
        IMMUTABLE if request.args.get(VERSION_PARAM) == asset.version else REVALIDATE)
    response.make_conditional(request)  # a 304 in place when the reader has these bytes
    return caching.shared(response)


def register(app: Flask) -> None:
    if app.static_folder is None:
        return
    app.url_defaults(add_version)
    app.view_functions["static"] = serve_static
