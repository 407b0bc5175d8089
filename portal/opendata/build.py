"""Building the bulk download into the storage (`exports/opendata/`) and reading what was built.

The ZIP is written to a local temporary file, then stored whole (the storage writes whole
objects), so a download never sees a half-written file; a small JSON record beside it says
when it was built, from which data version, its size and SHA-256. The record is stored after
the ZIP, so it never describes a file that is not there yet. Every machine serving downloads
reads the same storage as the worker that builds it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from portal import storage
from portal.csv_cells import formula_safe
from portal.extensions import db
from portal.modeling import as_utc, utcnow
from portal.opendata import package
from portal.opendata.models import OpenDataFailure
from portal.opendata.tables import Table, all_tables
from portal.transactions import commit_with_retry
from portal.web.models import is_synthetic
from portal.web.page_cache import data_version

log = logging.getLogger(__name__)

FILE_NAME = "akim-portal-open-data.zip"
META_NAME = "akim-portal-open-data.json"
BOM = "\ufeff"


@dataclass(frozen=True)
class Build:
    """What the last build produced."""

    built_at: datetime
    data_version: str
    size_bytes: int
    sha256: str
    seconds: float
    tables: dict[str, int]  # table name → rows

    @property
    def age(self) -> timedelta:
        return utcnow() - self.built_at


def zip_key() -> str:
    return f"{storage.EXPORTS}/opendata/{FILE_NAME}"


def meta_key() -> str:
    return f"{storage.EXPORTS}/opendata/{META_NAME}"


def current() -> Build | None:
    """The build in the storage, or None when there is none (or its record is unreadable)."""
    try:
        raw = json.loads(storage.current().read(meta_key()).decode("utf-8"))
        if not storage.current().exists(zip_key()):
            return None
        return Build(built_at=datetime.fromisoformat(raw["built_at"]),
                     data_version=raw["data_version"], size_bytes=int(raw["size_bytes"]),
                     sha256=raw["sha256"], seconds=float(raw["seconds"]),
                     tables={str(k): int(v) for k, v in raw["tables"].items()})
    except (storage.NotStored, ValueError, KeyError, TypeError):
        return None


def is_stale(build: Build | None) -> bool:
    """No build, or the public data changed since it was made."""
    return build is None or build.data_version != data_version()


# --------------------------------------------------------------------------- writing

def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        moment = as_utc(value)
        assert moment is not None  # noqa: S101 - a datetime in, a datetime out
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if isinstance(value, str):
        return formula_safe(value)
    return value


class _HashingWriter:
    """A text sink for csv.writer that encodes, counts and hashes what it forwards."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.hash.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(text)


def _entry(path: str, built_at: datetime) -> zipfile.ZipInfo:
    """An archive member dated with the build and readable by everyone once extracted."""
    info = zipfile.ZipInfo(path, date_time=built_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_table(archive: zipfile.ZipFile, table: Table, entry: zipfile.ZipInfo
                 ) -> tuple[int, int, str]:
    """One table as CSV inside the archive; returns (rows, bytes, sha256)."""
    rows = 0
    with archive.open(entry, "w", force_zip64=True) as raw:
        sink = _HashingWriter(raw)
        sink.write(BOM)
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow([column.name for column in table.columns])
        width = len(table.columns)
        for row in table.rows():
            if len(row) != width:  # a programming error; never write a misaligned file
                raise ValueError(f"{table.name}: {len(row)} values for {width} columns")
            writer.writerow([cell(value) for value in row])
            rows += 1
    return rows, sink.size, sink.hash.hexdigest()


def _sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def build() -> Build:
    """Write the ZIP and its record. Reads inside one session; commits nothing."""
    started = time.perf_counter()
    version = data_version()  # read first: a change during the build leaves it stale
    built_at = utcnow().replace(microsecond=0)
    base_url = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    synthetic = is_synthetic()
    counted: list[tuple[Table, int]] = []
    # A local temporary file (deleted on close, whatever happens), then stored whole.
    with tempfile.TemporaryFile(prefix="opendata-") as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=6) as archive:
            resources = []
            for table in all_tables():
                path = f"data/{table.name}.csv"
                rows, size, sha256 = _write_table(archive, table, _entry(path, built_at))
                counted.append((table, rows))
                resources.append(package.resource(table, path, size, sha256))
            descriptor = package.datapackage(resources, built_at, base_url, synthetic)
            texts = {
                "datapackage.json": json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                "README.md": package.readme(counted, built_at, base_url, synthetic),
                "LICENSE.md": package.licence(base_url),
            }
            for name, text in texts.items():
                archive.writestr(_entry(name, built_at), text.encode("utf-8"))
        size = temporary.seek(0, 2)
        sha256 = _sha256_of(temporary)
        storage.current().put(zip_key(), temporary, "application/zip")
        result = Build(built_at=built_at, data_version=version, size_bytes=size, sha256=sha256,
                       seconds=round(time.perf_counter() - started, 2),
                       tables={table.name: rows for table, rows in counted})
    _write_record(result)
    log.info("open data built: %d bytes in %.1f s", result.size_bytes, result.seconds)
    return result


def _write_record(result: Build) -> None:
    record = asdict(result)
    record["built_at"] = as_utc(result.built_at).isoformat()  # type: ignore[union-attr]
    storage.current().put(meta_key(), json.dumps(record, indent=2).encode("utf-8"),
                          "application/json")


def refresh(force: bool = False) -> Build | None:
    """Build when forced, when there is no build, or when the data changed; else nothing.
    A failed build is recorded for the administrators' jobs page, then raised again."""
    if not force and not is_stale(current()):
        return None
    try:
        return build()
    except Exception as error:
        log.exception("open data build failed")
        record_failure(error, force)
        raise


def record_failure(error: BaseException, forced: bool) -> OpenDataFailure:
    """Write the failure in a transaction of its own (the build's reads are abandoned)."""
    def work() -> OpenDataFailure:
        failure = OpenDataFailure(error=f"{type(error).__name__}: {error}"[:300], forced=forced)
        db.session.add(failure)
        return failure

    return commit_with_retry(work)


def failures(limit: int = 20) -> list[OpenDataFailure]:
    """The latest failed builds, newest first."""
    return list(db.session.scalars(select(OpenDataFailure)
                                   .order_by(OpenDataFailure.failed_at.desc(),
                                             OpenDataFailure.id.desc()).limit(limit)))
