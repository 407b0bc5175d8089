"""A folder on this machine (or a mount every machine shares): the embedded default."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from portal.storage.base import AREAS, CHUNK, NotStored, ObjectInfo, StorageError, Store, check_key

# Leftover temporaries (a process killed between writing and renaming) older than this are
# removed by the sweep.
PARTIAL_PREFIX = ".partial-"


class LocalStore(Store):
    """Objects are files under `root`, at their key. A write goes to a temporary file in the
    same folder, is flushed to disk, then renamed over the key: readers see a whole file."""

    kind = "local folder"

    def __init__(self, root: Path, shared: bool = False) -> None:
        self.root = Path(root)
        self.shared = shared
        self.description = f"local folder {self.root}" + (" (shared)" if shared else "")

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes | BinaryIO,
            content_type: str = "application/octet-stream") -> ObjectInfo:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(handle, "wb") as output:
                if isinstance(data, bytes | bytearray | memoryview):
                    output.write(data)
                else:
                    shutil.copyfileobj(data, output, CHUNK)
                output.flush()
                os.fsync(output.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        info = self.stat(key)
        if info is None:  # removed by another process in between: report what we wrote
            raise StorageError(f"{key} vanished right after it was written")
        return info

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise NotStored(key) from error

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            result = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return ObjectInfo(key, result.st_size, datetime.fromtimestamp(result.st_mtime, UTC))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        # Walk only the folder the prefix names up to its last "/": listing the cached
        # dossiers need not walk every dossier's facts, kept for ever beside them.
        base = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root / prefix
        if not base.is_dir():
            return
        for directory, folders, files in os.walk(base):
            folders.sort()
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                with contextlib.suppress(FileNotFoundError):  # deleted while listing
                    result = path.stat()
                    yield ObjectInfo(key, result.st_size,
                                     datetime.fromtimestamp(result.st_mtime, UTC))

    def partials(self, older_than: datetime) -> Iterator[Path]:
        """Temporary files a killed writer left behind."""
        cutoff = older_than.timestamp()
        for area in AREAS:
            for path in (self.root / area).rglob(f"{PARTIAL_PREFIX}*"):
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime < cutoff:
                        yield path

    def touch(self, key: str) -> None:
        with contextlib.suppress(OSError):  # pruned meanwhile: the caller copes
            os.utime(self._path(key))

    def check(self) -> None:
        probe = self.root / f".health-{socket.gethostname()}-{os.getpid()}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"ok")
            if probe.read_bytes() != b"ok":
                raise StorageError(f"{self.root} returned other bytes than written")
        except OSError as error:
            raise StorageError(f"{self.root}: {error.strerror or error}") from error
        finally:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None
