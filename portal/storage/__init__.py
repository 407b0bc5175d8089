"""One storage interface for every stored file: uploads, evidence, cached dossiers, bundles
and the open-data package.

`STORAGE_URL` chooses the store: unset, the instance folder (the embedded default);
`file:///srv/portal-files` another folder (`?shared=1` when every machine mounts the same
one); `s3://bucket[/prefix]?endpoint=…&region=…` an S3-compatible store (production with
several machines). Code never opens a path: it asks `current()` for the store and uses keys.

Files referenced by a database row are written *before* the row commits (`save()`): a
reader never finds a row without its file. If the transaction then rolls back, the file is
removed at once; if the process dies first, the file is an orphan and the sweep
(`portal.storage.sweep`) removes it later. A row is deleted before its file, never after.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.wrappers import Response

from portal.storage.base import (
    AREAS,
    EXPORTS,
    UPLOADS,
    NotStored,
    ObjectInfo,
    StorageError,
    Store,
    check_key,
)
from portal.storage.local import LocalStore

__all__ = ["AREAS", "EXPORTS", "UPLOADS", "NotStored", "ObjectInfo", "Store", "StorageError",
           "check_key", "current", "from_url", "save", "send"]

_WRITTEN = "storage.written"  # session.info: keys written in the open transaction


def from_url(url: str | None, instance_path: Path) -> Store:
    """The store a STORAGE_URL names (None: the instance folder)."""
    if not url:
        return LocalStore(instance_path)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise StorageError("STORAGE_URL file:// takes an absolute path: file:///srv/files")
        query = parse_qs(parts.query)
        shared = query.get("shared", [""])[-1] in ("1", "true", "yes")
        return LocalStore(Path(parts.path), shared=shared)
    if parts.scheme == "s3":
        from portal.storage.s3 import S3Store

        return S3Store.from_url(url)
    raise StorageError(f"STORAGE_URL must start with file:// or s3://, not {parts.scheme!r}")


def init_app(app: Flask) -> None:
    app.extensions["storage"] = {}


def current() -> Store:
    """The store of the current app (built once per STORAGE_URL; tests change the URL)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stores: dict[str | None, Store] = app.extensions.setdefault("storage", {})
    url = app.config.get("STORAGE_URL")
    if url not in stores:
        stores[url] = from_url(url, Path(app.instance_path))
    return stores[url]


# --------------------------------------------------------------------------- writing with rows

def save(session: Session, key: str, data: bytes | BinaryIO,
         content_type: str = "application/octet-stream") -> ObjectInfo:
    """Store a file that a row about to be flushed in `session` will reference. On rollback
    of that transaction the file is deleted; a crash leaves it to the sweep."""
    info = current().put(key, data, content_type)
    session.info.setdefault(_WRITTEN, []).append(key)
    return info


@event.listens_for(Session, "after_commit")
def _forget_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_written(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is not None:  # a savepoint: the outer transaction may still commit
        return
    keys = session.info.pop(_WRITTEN, None)
    if not keys:
        return
    store = current()
    for key in keys:
        try:
            store.delete(key)
        except StorageError:
            current_app.logger.warning("could not remove %s after a rollback; the sweep will",
                                       key)


# --------------------------------------------------------------------------- reading over HTTP

def send(key: str, *, mimetype: str, download_name: str | None = None,
         as_attachment: bool = True, max_age: int = 0, etag: str | None = None) -> Response:
    """Stream an object to the client: from the file with sendfile when the store is a local
    folder, else chunk by chunk from the object store (memory stays flat for large bundles).
    Raises NotStored. Conditional requests (ETag, If-Modified-Since) get a 304."""
    from flask import send_file

    store = current()
    path = store.local_path(key)
    if path is not None:
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name, max_age=max_age,
                         etag=etag if etag is not None else True)
    info = store.stat(key)
    if info is None:
        raise NotStored(key)
    response = send_file(store.open(key), mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name, max_age=max_age, conditional=False,
                         etag=etag or False, last_modified=info.modified)
    response.content_length = info.size
    return response.make_conditional(request.environ)


def describe(config: dict[str, Any], instance_path: Path) -> str:
    return from_url(config.get("STORAGE_URL"), instance_path).description
