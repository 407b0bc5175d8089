"""What every store offers: put, read, stream, list, delete; keys and their rules."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

# Top-level areas of the key space. `uploads/` holds files people gave us (each referenced by
# a database row: durable, backed up, swept for orphans); `exports/` holds what the portal
# derives and can rebuild (dossiers, bundles, the open-data package: pruned, not backed up).
UPLOADS = "uploads"
EXPORTS = "exports"
AREAS = (UPLOADS, EXPORTS)

_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}"
KEY_PATTERN = re.compile(rf"^(?:{'|'.join(AREAS)})(?:/{_SEGMENT}){{1,6}}$")
CHUNK = 256 * 1024


class StorageError(RuntimeError):
    """The store cannot do what was asked (unreachable, refused, misconfigured)."""


class NotStored(StorageError, KeyError):
    """No object under that key."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime  # UTC, aware


def check_key(key: str) -> str:
    """Keys are built by code, never from user input; refuse anything path-like anyway."""
    if not KEY_PATTERN.match(key) or "/../" in f"/{key}/" or "//" in key:
        raise StorageError(f"not a storage key: {key!r}")
    return key


class Store(ABC):
    """One place for every stored file. Implementations: `LocalStore`, `S3Store`.

    Writes are whole or nothing: a reader sees the old object, the new one, or none, never
    part of a file. Keys are `area/…` (see AREAS)."""

    #: What kind of store, for `/healthz` (names no path, host or bucket).
    kind: str = ""
    #: A short name for logs and the command line ("local folder …", "S3 bucket …").
    description: str = ""
    #: True when every machine that sees the same configuration sees the same files.
    shared: bool = False

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO,
            content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store `data` (bytes or a readable binary file, read to its end) under `key`."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object (raises NotStored). The caller closes it."""

    @abstractmethod
    def stat(self, key: str) -> ObjectInfo | None:
        """Size and time of the object, or None when there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; nothing happens when it is already gone."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix` (an area, or `area/…/`)."""

    @abstractmethod
    def touch(self, key: str) -> None:
        """Mark a cached object as used now, so age-based pruning keeps it."""

    @abstractmethod
    def check(self) -> None:
        """Raise StorageError unless the store answers and accepts writes (health)."""

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def local_path(self, key: str) -> Path | None:
        """A file on this machine holding the object, when the store has one (sendfile)."""
        return None
