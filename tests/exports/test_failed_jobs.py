"""The administrators' page of failed background work beside the failed mail: bulk exports and
open-data builds that failed, when, with their error, and a way to try again (jobs inline)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.exports import bulk
from portal.exports.models import ExportJob, ExportStatus
from portal.extensions import db
from portal.opendata import build
from portal.opendata.columns import Table
from portal.opendata.models import OpenDataFailure
from tests.conftest import csrf_from
from tests.exports.conftest import Record, build_record
from tests.exports.test_bulk import AREA, start
from tests.factories import UserFactory


@pytest.fixture
def records() -> list[Record]:
    return [build_record()]


def no_space(job: ExportJob) -> None:
    raise OSError(28, "No space left on device")


def test_a_failed_export_is_listed_with_its_error_and_built_when_tried_again(
        client: FlaskClient, login: Any, records: list[Record],
        monkeypatch: pytest.MonkeyPatch) -> None:
    staff = login(UserFactory(staff=True))
    monkeypatch.setattr(bulk, "_build", no_space)  # the worker's disk is full
    start(client, AREA)
    db.session.expire_all()
    job = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert job is not None and job.status is ExportStatus.FAILED
    job_id = job.id
    # The requester sees only that it failed; the page is the administrators'.
    assert client.get("/admin/jobs").status_code == 403
    page = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "No space left" not in page

    login(UserFactory(admin=True))
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert f"#{job_id}" in html and AREA in html
    assert "OSError: [Errno 28] No space left on device" in html
    assert f'href="/admin/users/{staff.id}"' in html
    assert 'href="/admin/jobs" aria-current="page"' in html  # beside Mail deliveries
    assert 'href="/admin/notifications"' in html

    monkeypatch.undo()  # space again
    token = csrf_from(html)
    response = client.post(f"/admin/jobs/exports/{job_id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job is not None and job.status is ExportStatus.DONE and job.error is None
    assert job.user_id == staff.id  # still the requester's, on their exports page
    retry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.retry")
                               ).one()
    assert "No space left on device" in str(retry.before)
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "No bulk export has failed." in html
    # A job that has not failed is not queued again.
    client.post(f"/admin/jobs/exports/{job_id}/retry", data={"csrf_token": token})
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "export.retry")).all() == [retry]


@pytest.fixture
def exporting(make_app: Any, tmp_path: Path) -> Iterator[Flask]:
    """An app whose open-data download goes to a folder of this test's own."""
    yield make_app(STORAGE_URL=f"file://{tmp_path}")


def broken_tables(original: Any) -> Any:
    def tables() -> list[Table]:
        first = original()[0]
        # A row one value short: the build refuses to write a misaligned file.
        broken = Table(first.name, first.title, first.description, first.columns,
                       lambda: iter([(1,)]))
        return [broken]
    return tables


def test_a_failed_open_data_build_is_listed_and_built_again(
        exporting: Flask, login: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    client = exporting.test_client()
    monkeypatch.setattr(build, "all_tables", broken_tables(build.all_tables))
    with pytest.raises(ValueError, match="values for"):
        build.refresh(force=True)  # what the nightly job runs
    [failure] = db.session.scalars(select(OpenDataFailure)).all()
    assert failure.forced and failure.error.startswith("ValueError: ")

    login(UserFactory(admin=True), on=client)
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert failure.error.split(": ", 1)[1] in html
    assert "No open-data download has been built yet." in html

    monkeypatch.undo()
    response = client.post("/admin/jobs/opendata/retry", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OpenDataFailure, failure.id).retried_at is not None  # type: ignore[union-attr]
    with exporting.app_context():
        assert build.current() is not None
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "The download served now was built" in html
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "opendata.retry")).one()
