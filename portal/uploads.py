"""Uploaded files: checked by content (not by name), kept in the storage (`portal.storage`)
under random keys, and served only as downloads with `nosniff`.

Domains own the link (a report attachment, a promise's evidence, meeting minutes) and decide
who may download; this module only sniffs, stores and sends. The file is written before its
`StoredFile` row is flushed; a rollback removes it, and the storage sweep removes what a
crash left behind (see `portal.storage`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from portal import audit, storage
from portal.extensions import Model, db
from portal.modeling import Synthetic, UTCDateTime, utcnow
from portal.storage import sweep
from portal.web import caching

if TYPE_CHECKING:
    from portal.accounts.models import User

# Leading bytes that identify each accepted type. The client's name and MIME type are ignored.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
DOCUMENTS_AND_IMAGES = frozenset(SIGNATURES)
READ_CHUNK = 64 * 1024
# Published files are the same for everyone: a browser or a proxy may keep them an hour.
PUBLIC_FILE_MAX_AGE = 3600


class UploadError(ValueError):
    """The file cannot be accepted; the message is meant for the person uploading it."""


class StoredFile(Synthetic, Model):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)  # random; see key_of()
    original_name: Mapped[str] = mapped_column(String(200))  # sanitised, for display only
    kind: Mapped[str] = mapped_column(String(10))  # pdf, png, jpeg
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str


def sniff(head: bytes, allowed: frozenset[str] = DOCUMENTS_AND_IMAGES) -> Sniffed | None:
    for kind in sorted(allowed):
        signature, content_type = SIGNATURES[kind]
        if head.startswith(signature):
            return Sniffed(kind, content_type)
    return None


def key_of(storage_key: str) -> str:
    """Where an upload lives in the storage: `uploads/<first two characters>/<random key>`."""
    return f"{storage.UPLOADS}/{storage_key[:2]}/{storage_key}"


def _referenced(keys: list[str]) -> set[str]:
    """Which of these storage keys a StoredFile row still names (for the orphan sweep)."""
    names = {key.rsplit("/", 1)[-1]: key for key in keys}
    found = db.session.scalars(
        select(StoredFile.storage_key).where(StoredFile.storage_key.in_(list(names))))
    return {names[name] for name in found}


sweep.register(f"{storage.UPLOADS}/", _referenced)


def store_upload(
    upload: FileStorage,
    actor: User | str | None,
    allowed: frozenset[str] = DOCUMENTS_AND_IMAGES,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check and store one uploaded file; flush and audit. Raises UploadError with a message."""
    limit = max_bytes or int(current_app.config["MAX_UPLOAD_BYTES"])
    data = _read_limited(upload.stream, limit)
    if not data:
        raise UploadError(str(_l("The file is empty.")))
    sniffed = sniff(data[:16], allowed)
    if sniffed is None:
        names = ", ".join(kind.upper() for kind in sorted(allowed))
        raise UploadError(str(_l(
            "This file is not an accepted type. Accepted: %(types)s (checked by the file's "
            "content, not its name).", types=names,
        )))
    key = secrets.token_urlsafe(24)
    # Written before the row is flushed: no row ever names a missing file.
    storage.save(db.session(), key_of(key), data, sniffed.content_type)
    stored = StoredFile(
        storage_key=key,
        original_name=display_name(upload.filename, sniffed.kind),
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(stored)
    db.session.flush()
    audit.record(actor, "file.upload", stored, None,
                 {"kind": stored.kind, "size_bytes": stored.size_bytes, "sha256": stored.sha256})
    return stored


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise UploadError(str(_l(
                "The file is too large: at most %(size)d MB.", size=limit // (1024 * 1024)
            )))
        chunks.append(chunk)
    return b"".join(chunks)


def display_name(filename: str | None, kind: str) -> str:
    """A safe name to show and to offer on download; never used as a path."""
    extension = "jpg" if kind == "jpeg" else kind
    base = secure_filename(filename or "") or "file"
    stem = base.rsplit(".", 1)[0][:150] or "file"
    return f"{stem}.{extension}"


def send_stored_file(stored: StoredFile, *, public: bool) -> Response:
    """Always an attachment, with the sniffed type and nosniff, so nothing renders inline.
    A `public` file (published, the same for everyone) may be cached for an hour; any other
    is `private, no-store` (portal.web.caching)."""
    try:
        response = storage.send(key_of(stored.storage_key), mimetype=stored.content_type,
                                download_name=stored.original_name,
                                max_age=PUBLIC_FILE_MAX_AGE if public else 0,
                                etag=stored.sha256)
    except storage.NotStored:
        # A row without its file: never written so, but a store restored badly could be.
        current_app.logger.error("stored file %s has no object in the storage", stored.id)
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        return caching.shared(response, PUBLIC_FILE_MAX_AGE)
    response.headers["Cache-Control"] = caching.PRIVATE
    return response
