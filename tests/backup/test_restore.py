"""The restore drill: seed, back up, restore into another database and store, and compare
every table and every file. On the database the run uses (SQLite, or PostgreSQL with its
sequences and types), because a restore is where the database matters."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from portal import audit, seed, storage
from portal.accounts.models import User
from portal.backup import archive
from portal.exports import store as exports
from portal.extensions import db
from portal.seed.context import Scale
from tests.conftest import _create_postgres_database

AS_OF = date(2026, 11, 20)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Any]:
    """A function giving a new empty database URL (dropped afterwards on PostgreSQL)."""
    server = os.environ.get("TEST_DATABASE_URL")
    made: list[tuple[str, sa.Engine]] = []

    def new(name: str) -> str:
        if not server:
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        url, admin = _create_postgres_database(server)
        made.append((url, admin))
        return url

    yield new
    for url, admin in made:
        with admin.connect() as connection:
            connection.execute(sa.text(
                f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


def tables_now() -> dict[str, list[tuple[Any, ...]]]:
    return {table.name: [tuple(row) for row in db.session.execute(
                sa.select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for table in db.metadata.sorted_tables}


def files_now() -> dict[str, str]:
    store = storage.current()
    return {info.key: hashlib.sha256(store.read(info.key)).hexdigest()
            for info in store.list(f"{storage.UPLOADS}/")}


@pytest.mark.concurrency  # apps of their own, on databases of their own
def test_a_seeded_portal_restores_whole_elsewhere(make_app: Any, tmp_path: Path,
                                                  empty_database: Any) -> None:
    source: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("source"),
                             STORAGE_URL=f"file://{tmp_path / 'source-files'}")
    with source.app_context():
        flask_migrate.upgrade()
        seed.run(Scale.DEMO, seed=2026, as_of=AS_OF)
        db.session.commit()
        summary = archive.create(tmp_path / "backup")
        before, files_before = tables_now(), files_now()
        db.session.remove()
        db.engine.dispose()
    assert summary.files == len(files_before) > 0
    assert summary.rows == sum(len(rows) for rows in before.values()) > 10_000

    target: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("target"),
                             STORAGE_URL=f"file://{tmp_path / 'target-files'}")
    with target.app_context():
        restored = archive.restore(tmp_path / "backup")
        assert restored.rows == summary.rows
        # The sealed audit chain verifies on the restored copy, up to the backed-up head.
        audit_rows = len(before["audit_event"])
        assert restored.audit_events == audit_rows > 0
        after = tables_now()
        assert sorted(after) == sorted(before)
        for name in before:
            assert after[name] == before[name], f"table {name} differs after the restore"
        assert files_now() == files_before
        # New rows continue after the restored ids (PostgreSQL sequences were moved on).
        highest = db.session.scalar(sa.select(sa.func.max(User.id)))
        user = User(email="after-restore@example.kz", password_hash="x")
        db.session.add(user)
        db.session.flush()
        assert user.id > highest
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.concurrency
def test_a_damaged_backup_or_a_used_database_is_refused(make_app: Any, tmp_path: Path,
                                                        empty_database: Any) -> None:
    source: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("small"),
                             STORAGE_URL=f"file://{tmp_path / 'files'}")
    with source.app_context():
        flask_migrate.upgrade()
        db.session.add(User(email="one@example.kz", password_hash="x"))
        audit.record("tests", "backup.drill", None, None, {"note": "sealed"})
        db.session.commit()
        archive.create(tmp_path / "backup")
        with pytest.raises(archive.BackupError, match="not empty"):
            archive.create(tmp_path / "backup")
        # Restoring over a database that holds data is refused before anything is written.
        with pytest.raises(archive.BackupError, match="database is not empty"):
            archive.restore(tmp_path / "backup")
        db.session.remove()
        db.engine.dispose()
    manifest = json.loads((tmp_path / "backup" / archive.MANIFEST).read_text())
    table = tmp_path / "backup" / manifest["tables"]["user_account"]["file"]
    rows = gzip.decompress(table.read_bytes()).replace(b"one@example.kz", b"two@example.kz")
    table.write_bytes(gzip.compress(rows))
    with pytest.raises(archive.BackupError, match="user_account.*altered"):
        archive.verify(tmp_path / "backup")


@pytest.mark.concurrency
def test_an_audit_trail_that_does_not_verify_fails_the_restore(make_app: Any, tmp_path: Path,
                                                              empty_database: Any) -> None:
    source: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("sealed"),
                             STORAGE_URL=f"file://{tmp_path / 'files'}")
    with source.app_context():
        flask_migrate.upgrade()
        audit.record("tests", "backup.drill", None, None, {"note": "sealed"})
        db.session.commit()
        archive.create(tmp_path / "backup")
        db.session.remove()
        db.engine.dispose()
    # Restored with another seal key, every seal reads as edited: the restore says so.
    target: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("other-key"),
                             STORAGE_URL=f"file://{tmp_path / 'other-files'}",
                             AUDIT_HMAC_KEY="another-key-" + "z" * 40)
    with target.app_context():
        with pytest.raises(archive.BackupError, match="audit trail does not verify"):
            archive.restore(tmp_path / "backup")
        db.session.remove()
        db.engine.dispose()


@pytest.mark.concurrency
def test_the_facts_of_dossiers_handed_out_survive_a_restore(make_app: Any, tmp_path: Path,
                                                           empty_database: Any) -> None:
    # A dossier's facts cannot be rebuilt (they are what it said when it was handed out): a
    # restored portal that lost them could no longer say what changed since an old dossier.
    fingerprint = "ab" * 32
    facts = {"akim_id": 7, "as_of": "2026-11-20", "reports": 3}
    source: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("facts"),
                             STORAGE_URL=f"file://{tmp_path / 'files'}")
    with source.app_context():
        flask_migrate.upgrade()
        exports.write_facts(fingerprint, facts)
        exports.write(exports.dossier_key(fingerprint), b"%PDF- cached, rebuilt on demand")
        summary = archive.create(tmp_path / "backup")
        db.session.remove()
        db.engine.dispose()
    assert summary.files == 1  # the facts; not the cached dossier
    target: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("facts-target"),
                             STORAGE_URL=f"file://{tmp_path / 'restored-files'}")
    with target.app_context():
        archive.restore(tmp_path / "backup")
        assert exports.read_facts(fingerprint[:12]) == (fingerprint, facts)
        assert not exports.exists(exports.dossier_key(fingerprint))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("change", "message"), [
    (lambda manifest: manifest.pop("tables"), "incomplete or altered"),
    (lambda manifest: manifest["tables"]["user_account"].update(file="../../etc/passwd"),
     "incomplete or altered"),
    (lambda manifest: manifest["files"].append(
        {"key": "../outside", "size": 1, "sha256": "0" * 64}), "outside the storage"),
])
def test_a_hand_edited_manifest_is_refused_with_a_message(
        app: Flask, tmp_path: Path, change: Any, message: str) -> None:
    archive.create(tmp_path / "backup")
    path = tmp_path / "backup" / archive.MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
    result = app.test_cli_runner().invoke(args=["backup", "verify", str(tmp_path / "backup")])
    assert result.exit_code == 1 and message in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.concurrency
def test_a_backup_of_a_newer_version_is_refused_before_anything_is_written(
        make_app: Any, tmp_path: Path, empty_database: Any) -> None:
    source: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("newer"),
                             STORAGE_URL=f"file://{tmp_path / 'files'}")
    with source.app_context():
        flask_migrate.upgrade()
        archive.create(tmp_path / "backup")
        db.session.remove()
        db.engine.dispose()
    path = tmp_path / "backup" / archive.MANIFEST
    manifest = json.loads(path.read_text())
    manifest["revision"] = "ffffffffffff"  # a migration this code has not got
    path.write_text(json.dumps(manifest))
    target: Flask = make_app(SQLALCHEMY_DATABASE_URI=empty_database("older-code"),
                             STORAGE_URL=f"file://{tmp_path / 'target-files'}")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore",
                                                       str(tmp_path / "backup")])
        assert result.exit_code == 1, result.output
        assert "schema revision ffffffffffff, which this version of the portal does not know" \
            in result.output
        assert sa.inspect(db.engine).get_table_names() == []
        db.session.remove()
        db.engine.dispose()
