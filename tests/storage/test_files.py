"""Files through the app on S3: uploaded on one request, downloaded on another; written before
their row commits, removed when it rolls back, swept when a crash orphaned them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import storage
from portal.budgets.queued import queue_import
from portal.extensions import db
from portal.opendata import build
from portal.reports.models import ReportAttachment
from portal.storage import sweep
from portal.storage.base import Store
from portal.uploads import StoredFile, key_of, store_upload
from tests.factories import ReportFactory, UserFactory

PDF = b"%PDF-1.7\n" + b"0" * 200_000 + b"\n%%EOF\n"


@pytest.fixture
def s3_store(app: Flask, s3_url: str) -> Iterator[Store]:
    previous = app.config["STORAGE_URL"]
    app.config["STORAGE_URL"] = s3_url
    yield storage.current()
    app.config["STORAGE_URL"] = previous


def upload(name: str = "minutes.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_an_attachment_goes_to_s3_and_streams_back(client: FlaskClient, login: Any, csrf: Any,
                                                   s3_store: Store) -> None:
    report = ReportFactory()
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/edit"
    response = client.post(url, data={
        "csrf_token": csrf(url), "summary": "Text", "save": "Save draft",
        "attachment": (io.BytesIO(PDF), "minutes.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    attachment = db.session.scalar(select(ReportAttachment))
    assert attachment is not None
    key = key_of(attachment.stored_file.storage_key)
    assert s3_store.read(key) == PDF
    download = client.get(f"/reports/{report.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Length"] == str(len(PDF))
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    again = client.get(f"/reports/{report.id}/attachments/{attachment.id}",
                       headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_rolled_back_upload_leaves_no_file(app: Flask, s3_store: Store) -> None:
    stored = store_upload(upload(), "tests")
    key = key_of(stored.storage_key)
    assert s3_store.exists(key)
    db.session.rollback()
    assert not s3_store.exists(key)
    assert db.session.scalar(select(StoredFile).where(StoredFile.id == stored.id)) is None


def test_a_committed_upload_keeps_its_file(app: Flask, s3_store: Store) -> None:
    stored = store_upload(upload(), "tests")
    db.session.commit()
    db.session.rollback()  # a later transaction's rollback touches nothing of the earlier one
    assert s3_store.read(key_of(stored.storage_key)) == PDF


@pytest.mark.parametrize("where", ["local", "s3"])
def test_the_sweep_removes_orphans_only_after_the_grace_period(
        app: Flask, where: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if where == "s3":
        store = request.getfixturevalue("s3_store")
    else:
        app.config["STORAGE_URL"], previous = f"file://{tmp_path}", app.config["STORAGE_URL"]
        request.addfinalizer(lambda: app.config.update(STORAGE_URL=previous))
        store = storage.current()
    kept = store_upload(upload(), "tests")
    db.session.commit()
    # A file whose transaction never committed: its process died between the two.
    store.put("uploads/zz/zz-orphan-of-a-killed-request", PDF)
    young = sweep.sweep(store)
    assert young.orphans == [] and store.exists("uploads/zz/zz-orphan-of-a-killed-request")
    later = datetime.now(UTC) + timedelta(hours=7)
    dry = sweep.sweep(store, now=later, dry_run=True)
    assert dry.orphans == ["uploads/zz/zz-orphan-of-a-killed-request"]
    assert store.exists("uploads/zz/zz-orphan-of-a-killed-request")
    result = sweep.sweep(store, now=later)
    assert result.orphans == ["uploads/zz/zz-orphan-of-a-killed-request"]
    assert result.checked == 2
    assert not store.exists("uploads/zz/zz-orphan-of-a-killed-request")
    assert store.read(key_of(kept.storage_key)) == PDF


def test_the_sweep_removes_temporaries_a_killed_writer_left(tmp_path: Path) -> None:
    store = storage.from_url(f"file://{tmp_path}", tmp_path)
    store.put("exports/dossiers/whole.pdf", b"%PDF")
    leftover = tmp_path / "exports/dossiers/.partial-abc"
    leftover.write_bytes(b"%PD")
    assert [info.key for info in store.list("exports/")] == ["exports/dossiers/whole.pdf"]
    result = sweep.sweep(store, now=datetime.now(UTC) + timedelta(hours=7))
    assert result.partials == 1 and not leftover.exists()
    assert store.exists("exports/dossiers/whole.pdf")


def test_open_data_is_built_into_s3_and_downloaded_from_it(client: FlaskClient,
                                                           s3_store: Store) -> None:
    result = build.build()
    assert s3_store.stat(build.zip_key()) is not None
    current = build.current()
    assert current is not None and current.sha256 == result.sha256
    response = client.get(f"/opendata/{build.FILE_NAME}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert int(response.headers["Content-Length"]) == result.size_bytes
    assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def test_the_command_line_checks_and_sweeps(app: Flask, s3_store: Store) -> None:
    s3_store.put("uploads/zz/zz-orphan", PDF)
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["storage", "check"])
    assert checked.exit_code == 0 and "S3 bucket" in checked.output and "ok" in checked.output
    dry = runner.invoke(args=["storage", "sweep", "--grace-hours", "0", "--dry-run"])
    assert "orphan uploads/zz/zz-orphan" in dry.output and s3_store.exists("uploads/zz/zz-orphan")
    swept = runner.invoke(args=["storage", "sweep", "--grace-hours", "0"])
    assert swept.exit_code == 0 and "removed 1 orphans" in swept.output
    assert not s3_store.exists("uploads/zz/zz-orphan")


def test_the_command_line_sweep_uses_the_configured_grace(app: Flask, s3_store: Store,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Without --grace-hours the command waits as long as the nightly task: an operator who
    # lengthened STORAGE_SWEEP_GRACE_HOURS is not undone by a sweep run by hand.
    s3_store.put("uploads/zz/zz-young-orphan", PDF)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["storage", "sweep", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 0 orphans" in dry.output
    monkeypatch.setitem(app.config, "STORAGE_SWEEP_GRACE_HOURS", 0)
    dry = runner.invoke(args=["storage", "sweep", "--dry-run"])
    assert "orphan uploads/zz/zz-young-orphan" in dry.output


def test_a_store_that_does_not_answer_is_a_503_not_a_500(app: Flask, client: FlaskClient,
                                                        login: Any, csrf: Any) -> None:
    from tests.s3server import free_port

    report = ReportFactory()
    login(UserFactory.akim_for(report.term))
    url = f"/reports/{report.id}/edit"
    token = csrf(url)
    previous = app.config["STORAGE_URL"]
    app.config["STORAGE_URL"] = f"s3://portal?endpoint=http://127.0.0.1:{free_port()}&path_style=1"
    try:
        response = client.post(url, data={
            "csrf_token": token, "summary": "Text", "save": "Save draft",
            "attachment": (io.BytesIO(PDF), "minutes.pdf")}, content_type="multipart/form-data")
    finally:
        app.config["STORAGE_URL"] = previous
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "temporarily unavailable" in response.get_data(as_text=True)
    assert db.session.scalar(select(ReportAttachment)) is None


def test_the_sweep_keeps_a_queued_budget_import_however_long_it_waits(app: Flask) -> None:
    # A budget file waiting for the worker is named by its job row, not by a StoredFile: the
    # sweep once took it for an orphan after six hours (a stopped worker lost every import).
    job = queue_import(b"district,year\n" * 10, "budget.csv", UserFactory(staff=True))
    db.session.commit()
    assert job.stored_key is not None
    later = datetime.now(UTC) + timedelta(hours=7)
    result = sweep.sweep(storage.current(), now=later)
    assert job.stored_key not in result.orphans
    assert storage.current().exists(job.stored_key)
    # Once no job names it (a job deleted by hand mid-import), it is an orphan like any other.
    key = job.stored_key
    job.stored_key = None
    db.session.commit()
    assert sweep.sweep(storage.current(), now=later).orphans == [key]
    assert not storage.current().exists(key)
