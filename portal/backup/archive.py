"""Creating and restoring a backup.

A backup is a folder:

    manifest.json              what is inside, with the SHA-256 of every file
    database/<table>.jsonl.gz  every row of every table, one JSON object a line, by primary key
    files/uploads/…            every stored upload, at its storage key
    files/exports/facts/…      the facts of every dossier handed out (`verify` needs them)

The dump is logical (rows, not a PostgreSQL or SQLite file), so it restores into either
database; it is read in one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite), so the rows agree with each other. Files are copied after the snapshot: each file a
row of the snapshot names was written before that row committed, so it is there (checked).
Cached dossiers and bundles are not backed up: they are rebuilt on demand. The facts beside
them are, because they cannot be: they are what a dossier said when it was handed out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from portal import storage
from portal.backup.values import decode, encode
from portal.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database"
FILES = "files"
BATCH = 2000
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


def durable_prefixes() -> tuple[str, ...]:
    """What of the storage a backup holds: the uploads, and the dossier facts (never pruned,
    never rebuilt: a restored portal must still verify a dossier handed out before)."""
    from portal.exports import store as exports

    return (f"{storage.UPLOADS}/", exports.key(exports.FACTS, ""))


def _stored(store: storage.Store) -> Iterator[storage.ObjectInfo]:
    for prefix in durable_prefixes():
        yield from store.list(prefix)


class BackupError(RuntimeError):
    """The backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int
    revision: str
    audit_events: int | None = None  # verified after a restore


def _quiet(_message: str) -> None:
    return None


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[sa.Table]:
    """Every table of the schema, parents before children (alembic_version apart)."""
    return list(db.metadata.sorted_tables)


def _order(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


# --------------------------------------------------------------------------- create

def create(target: Path, progress: Progress = _quiet) -> Summary:
    """Write a backup into `target` (a new or empty folder)."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; give a new folder")
    (target / DATABASE).mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"format": FORMAT,
                                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                "database": db.engine.dialect.name, "tables": {}, "files": []}
    total_rows = 0
    referenced: set[str] = set()
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            revision = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalar_one()
            manifest["revision"] = revision
            # The newest sealed audit event: after a restore the chain must reach it unchanged.
            head = connection.exec_driver_sql(
                "SELECT id, row_hash FROM audit_event ORDER BY id DESC LIMIT 1").first()
            manifest["audit_head"] = [head[0], head[1]] if head else None
            for table in _tables():
                name = f"{DATABASE}/{table.name}.jsonl.gz"
                rows = _dump_table(connection, table, target / name, referenced)
                manifest["tables"][table.name] = {"file": name, "rows": rows,
                                                  "sha256": _sha256_file(target / name)}
                total_rows += rows
                progress(f"{table.name}: {rows} rows")
    store = storage.current()
    copied: set[str] = set()
    size = 0
    for info in _stored(store):
        path = target / FILES / info.key
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with store.open(info.key) as source, path.open("wb") as output:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                output.write(chunk)
        length = path.stat().st_size
        manifest["files"].append({"key": info.key, "size": length,
                                  "sha256": digest.hexdigest()})
        copied.add(info.key)
        size += length
    missing = sorted(referenced - copied)
    if missing:
        raise BackupError(f"{len(missing)} stored files named by rows are missing from the "
                          f"storage, e.g. {missing[0]}; the backup is incomplete")
    progress(f"{len(copied)} files, {size} bytes")
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return Summary(len(manifest["tables"]), total_rows, len(copied), size, revision)


def _dump_table(connection: sa.Connection, table: sa.Table, path: Path,
                referenced: set[str]) -> int:
    from portal.uploads import key_of

    names = [column.name for column in table.columns]
    rows = 0
    result = connection.execution_options(yield_per=BATCH).execute(
        sa.select(table).order_by(*_order(table)))
    # mtime=0: the same rows give the same bytes, so the same hash.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as output:
        for row in result:
            record = {name: encode(value) for name, value in zip(names, row, strict=True)}
            output.write(json.dumps(record, ensure_ascii=False, sort_keys=True).encode())
            output.write(b"\n")
            rows += 1
            if table.name == "stored_file":
                referenced.add(key_of(record["storage_key"]))
    return rows


# --------------------------------------------------------------------------- restore

def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{source / MANIFEST} is missing or unreadable") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"unknown backup format {found!r}")
    if not _well_formed(manifest):
        raise BackupError(f"{source / MANIFEST} is incomplete or altered")
    return manifest


def _well_formed(manifest: dict[str, Any]) -> bool:
    """Every entry `verify` and `restore` read is there, and table files are where `create`
    puts them (a hand-edited manifest cannot send them elsewhere)."""
    tables, files = manifest.get("tables"), manifest.get("files")
    if not isinstance(manifest.get("revision"), str) or not isinstance(tables, dict) \
            or not isinstance(files, list):
        return False
    for name, entry in tables.items():
        if not re.fullmatch(r"[a-z0-9_]+", name) or not isinstance(entry, dict) \
                or entry.get("file") != f"{DATABASE}/{name}.jsonl.gz" \
                or not isinstance(entry.get("rows"), int) \
                or not isinstance(entry.get("sha256"), str):
            return False
    return all(isinstance(entry, dict) and isinstance(entry.get("key"), str)
               and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)
               for entry in files)


def verify(source: Path, progress: Progress = _quiet) -> dict[str, Any]:
    """Check every file of the backup against the manifest's hashes before touching anything."""
    manifest = read_manifest(source)
    for name, entry in manifest["tables"].items():
        path = source / entry["file"]
        if not path.is_file() or _sha256_file(path) != entry["sha256"]:
            raise BackupError(f"table {name}: {entry['file']} is missing or altered")
    for entry in manifest["files"]:
        try:
            storage.check_key(entry["key"])
        except storage.StorageError as error:
            raise BackupError(f"{source / MANIFEST} names a file outside the storage: "
                              f"{entry['key']!r}") from error
        path = source / FILES / entry["key"]
        if not path.is_file() or _sha256_file(path) != entry["sha256"]:
            raise BackupError(f"stored file {entry['key']} is missing or altered")
    progress(f"verified {len(manifest['tables'])} tables and {len(manifest['files'])} files")
    return manifest


def restore(source: Path, progress: Progress = _quiet) -> Summary:
    """Restore into an empty database and an empty store, then migrate to the current head."""
    import flask_migrate

    manifest = verify(source, progress)
    _check_revision_known(str(manifest["revision"]))
    existing = sa.inspect(db.engine).get_table_names()
    if existing:
        raise BackupError(f"the database is not empty ({len(existing)} tables); restore needs "
                          "an empty one")
    store = storage.current()
    if next(_stored(store), None) is not None:
        raise BackupError(f"{store.description} already holds uploads or dossier facts; "
                          "restore needs an empty store")
    flask_migrate.upgrade(revision=manifest["revision"])
    db.session.remove()
    known = {table.name: table for table in _tables()}
    unknown = sorted(set(manifest["tables"]) - set(known))
    if unknown:
        raise BackupError(f"tables in the backup that this version lacks: {', '.join(unknown)}")
    rows = 0
    with db.engine.begin() as connection:
        for table in reversed(_tables()):  # whatever a migration put in, children first
            connection.execute(table.delete())
        for table in _tables():
            entry = manifest["tables"].get(table.name)
            if entry is None:
                continue
            count = 0
            for batch in _batches(source / entry["file"], table):
                connection.execute(table.insert(), batch)
                count += len(batch)
            if count != entry["rows"]:
                raise BackupError(f"table {table.name}: {count} rows read, "
                                  f"{entry['rows']} expected")
            rows += count
            progress(f"{table.name}: {count} rows")
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    size = 0
    for entry in manifest["files"]:
        with (source / FILES / entry["key"]).open("rb") as handle:
            store.put(entry["key"], handle)
        size += int(entry["size"])
    progress(f"{len(manifest['files'])} files, {size} bytes")
    flask_migrate.upgrade()
    events = _verify_audit(manifest.get("audit_head"))
    progress(f"the audit trail holds: {events} events")
    return Summary(len(manifest["tables"]), rows, len(manifest["files"]), size,
                   str(manifest["revision"]), events)


def _check_revision_known(revision: str) -> None:
    """A backup made by a newer version names a schema this code cannot build: say so before
    anything is written, rather than fail inside the migration."""
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util.exc import CommandError
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        found = ScriptDirectory.from_config(config).get_revision(revision)
    except (CommandError, RevisionError):
        found = None
    if found is None:
        raise BackupError(f"the backup is at schema revision {revision}, which this version of "
                          "the portal does not know: restore it with the version that made it "
                          "(or a newer one)")


def _verify_audit(head: list[Any] | None) -> int:
    """The restored audit chain verifies and still ends at the backed-up head."""
    from portal.audit.chain import verify

    anchor = (int(head[0]), str(head[1])) if head else None
    report = verify(anchor)
    db.session.remove()
    if report.broken is not None:
        raise BackupError(f"the restored audit trail does not verify: "
                          f"{report.broken.describe()} (is AUDIT_HMAC_KEY the one of the "
                          "backed-up portal?)")
    if report.anchor_ok is False:
        raise BackupError(f"the restored audit trail lacks its head, event #{anchor and anchor[0]}")
    return report.events


def _batches(path: Path, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with gzip.open(path, "rb") as lines:
        for line in lines:
            record = json.loads(line)
            batch.append({name: decode(value) for name, value in record.items()})
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _reset_sequences(connection: sa.Connection) -> None:
    """Identity and serial columns continue after the restored ids."""
    for table in _tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer) or column.autoincrement is False:
                continue
            sequence = connection.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                connection.execute(sa.text(
                    f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM "  # noqa: S608
                    f"{table.name}), 0) + 1, false)"), {"s": sequence})
