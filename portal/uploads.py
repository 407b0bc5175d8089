"""Uploaded files: checked by content (not by name), stored outside static/ under random
names, and served only as downloads with `nosniff`.

Domains own the link (a report attachment, a promise's evidence) and decide who may download;
this module only stores, sniffs and sends.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from flask import Response, current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from portal import audit
from portal.extensions import Model, db
from portal.modeling import Synthetic, UTCDateTime, utcnow

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


class UploadError(ValueError):
    """The file cannot be accepted; the message is meant for the person uploading it."""


class StoredFile(Synthetic, Model):
    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)  # random; the disk name
    original_name: Mapped[str] = mapped_column(String(200))  # sanitised, for display only
    kind: Mapped[str] = mapped_column(String(10))  # pdf, png, jpeg
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def size_label(self) -> str:
        if self.size_bytes >= 1024 * 1024:
            return f"{self.size_bytes / (1024 * 1024):.1f} MB"
        return f"{max(1, self.size_bytes // 1024)} KB"


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


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


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
    path = upload_root() / key[:2] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
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


def send_stored_file(stored: StoredFile) -> Response:
    """Always an attachment, with the sniffed type and nosniff, so nothing renders inline."""
    path = upload_root() / stored.storage_key[:2] / stored.storage_key
    response = send_file(path, mimetype=stored.content_type, as_attachment=True,
                         download_name=stored.original_name, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
