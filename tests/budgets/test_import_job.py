"""A large budget upload is imported by the job worker, with a page that shows its progress and
its outcome (issue 24, finding 9): all rows or none, the row and reason on error."""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal import storage
from portal.budgets import queued
from portal.budgets.models import (
    BudgetCategory,
    BudgetImportJob,
    BudgetLine,
    ImportJobStatus,
)
from portal.budgets.queued import KEY_PREFIX
from portal.extensions import db
from portal.modeling import utcnow
from tests.budgets.conftest import AGYBET, OTHER, csv_bytes
from tests.factories import RuralDistrictFactory, UserFactory
from tests.mailworker import job_consumer

PERIODS = ["YEAR", "Q1", "Q2", "Q3", "Q4", *(f"M{month:02d}" for month in range(1, 13))]


def _upload(client: FlaskClient, csrf: Any, data: bytes, name: str = "budget.csv") -> Any:
    return client.post("/budgets/import", data={
        "csrf_token": csrf("/budgets/import"), "file": (io.BytesIO(data), name),
    }, content_type="multipart/form-data")


def _job_id(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = re.fullmatch(r"/budgets/import/jobs/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _lines() -> int:
    return db.session.scalar(select(func.count()).select_from(BudgetLine)) or 0


def _stored_imports() -> list[str]:
    return [info.key for info in storage.current().list(KEY_PREFIX)]


def test_a_large_upload_is_queued_and_its_page_shows_the_outcome(
        app: Flask, client: FlaskClient, login: Any, csrf: Any, agybet: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 100)
    login(UserFactory(staff=True))
    data = csv_bytes(*((AGYBET, year, "YEAR", "land_tax", 1_000 * year, None, 900)
                       for year in range(2019, 2026)))
    job_id = _job_id(_upload(client, csrf, data, "жер-салығы.csv"))
    html = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)
    assert "Imported 7 rows from жер-салығы.csv: 7 new, 0 changed, 0 unchanged." in html
    assert "7 of 7 rows checked" in html
    assert 'http-equiv="refresh"' not in html  # finished: the page stops refreshing
    assert _lines() == 7
    job = db.session.get(BudgetImportJob, job_id)
    assert job is not None and job.status is ImportJobStatus.DONE and job.stored_key is None
    assert _stored_imports() == []  # the file is deleted once imported

    small = csv_bytes((AGYBET, 2025, "Q1", "land_tax", 5, None, None))
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", len(small))
    response = _upload(client, csrf, small)
    assert response.headers["Location"] == "/budgets/import"  # small files stay inline


def test_a_queued_file_with_a_bad_row_imports_nothing_and_names_the_row(
        app: Flask, client: FlaskClient, login: Any, csrf: Any, agybet: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 100)
    login(UserFactory(staff=True))
    rows: list[tuple[Any, ...]] = [(AGYBET, year, "YEAR", "land_tax", 1_000, None, None)
                                   for year in range(2019, 2026)]
    rows[4] = (AGYBET, 2023, "Q7", "land_tax", 1_000, None, None)
    job_id = _job_id(_upload(client, csrf, csv_bytes(*rows)))
    html = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)
    assert "Nothing was imported: the file has 1 problem." in html
    assert re.search(r'<td class="num">6</td>\s*<td><span class="code">period</span>', html)
    assert _lines() == 0
    page = client.get("/budgets/import").get_data(as_text=True)
    assert "Rejected" in page, page[page.find("<main"):]


def test_someone_else_cannot_follow_an_import(
        app: Flask, client: FlaskClient, login: Any, csrf: Any, agybet: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 100)
    login(UserFactory(staff=True))
    job_id = _job_id(_upload(client, csrf, csv_bytes(
        *((AGYBET, year, "YEAR", "land_tax", 1, None, None) for year in range(2019, 2026)))))
    login(UserFactory())
    assert client.get(f"/budgets/import/jobs/{job_id}").status_code == 403
    assert client.get("/budgets/import/jobs/999999").status_code in (403, 404)


def test_an_import_whose_worker_died_is_marked_stopped(
        app: Flask, make_app: Any, tmp_path: Path, client: FlaskClient, login: Any, csrf: Any,
        agybet: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # No worker runs: the job is claimed as a worker would, then its worker is gone.
    make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "jobs.db"))
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 100)
    login(UserFactory(staff=True))
    job_id = _job_id(_upload(client, csrf, csv_bytes(
        *((AGYBET, year, "YEAR", "land_tax", 1, None, None) for year in range(2019, 2026)))))
    job = db.session.get(BudgetImportJob, job_id)
    assert job is not None
    job.status = ImportJobStatus.RUNNING
    job.started_at = utcnow() - timedelta(minutes=20)
    db.session.commit()
    assert queued.fail_stalled(30) == 0  # twenty minutes in: it may still be working
    assert len(_stored_imports()) == 1
    assert 'http-equiv="refresh"' in client.get(f"/budgets/import/jobs/{job_id}").get_data(
        as_text=True)

    job = db.session.get_one(BudgetImportJob, job_id)
    job.started_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert queued.fail_stalled(30) == 1
    assert queued.fail_stalled(30) == 0  # once
    html = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)
    assert "Stopped" in html and "The import stopped before writing anything" in html
    assert 'http-equiv="refresh"' not in html
    assert _lines() == 0
    assert _stored_imports() == []  # the file no job will read again is deleted


@pytest.mark.concurrency
def test_the_worker_process_imports_a_large_file_with_progress(
        app: Flask, make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient,
        login: Any, csrf: Any, agybet: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = {"HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
                "STORAGE_URL": app.config["STORAGE_URL"]}
    make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=settings["HUEY_SQLITE_PATH"])
    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 10_000)
    RuralDistrictFactory(kato=OTHER)
    codes = list(db.session.scalars(select(BudgetCategory.code).where(
        BudgetCategory.valid_from_year.is_(None)).order_by(BudgetCategory.sort_order)))
    login(UserFactory(staff=True))
    db.session.commit()
    rows = [(kato, year, period, code, 1_000, None, 900) for kato in (AGYBET, OTHER)
            for year in range(2018, 2026) for period in PERIODS for code in codes[:8]]
    assert len(rows) > 2_000  # more than one progress report (PROGRESS_EVERY)
    job_id = _job_id(_upload(client, csrf, csv_bytes(*rows), "всё.csv"))
    assert _lines() == 0  # queued, not imported inside the request
    queued_page = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)
    assert "Waiting for the worker" in queued_page and 'http-equiv="refresh"' in queued_page

    with job_consumer(tmp_path / "worker", database_url, settings) as log:
        deadline = time.monotonic() + 90
        while True:
            db.session.rollback()
            job = db.session.get(BudgetImportJob, job_id)
            assert job is not None
            if job.is_finished:
                break
            assert time.monotonic() < deadline, f"not imported; worker log:\n{log.read_text()}"
            time.sleep(0.3)
    assert job.status is ImportJobStatus.DONE, log.read_text()
    assert (job.progress_done, job.progress_total) == (len(rows), len(rows))
    assert _lines() == len(rows)
    html = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)
    assert f"Imported {len(rows):,} rows from всё.csv".replace(",", "\u00a0") in html or \
        f"Imported {len(rows)} rows from всё.csv" in html, html[:3000]
    assert _stored_imports() == []


def test_a_large_spending_upload_is_queued_and_imported_the_same_way(
        app: Flask, client: FlaskClient, login: Any, csrf: Any, agybet: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.budgets.models import BudgetImport, BudgetSpendingLine, ImportKind
    from portal.budgets.validation import SPENDING_COLUMNS

    monkeypatch.setitem(app.config, "BUDGET_IMPORT_INLINE_BYTES", 100)
    login(UserFactory(staff=True))
    data = csv_bytes(*((AGYBET, year, "YEAR", "07", 1_000 * year, None, 900)
                       for year in range(2019, 2026)), header=SPENDING_COLUMNS)
    job_id = _job_id(_upload(client, csrf, data, "spending.csv"))
    html = client.get(f"/budgets/import/jobs/{job_id}").get_data(as_text=True)

    assert "Imported 7 rows from spending.csv: 7 new, 0 changed, 0 unchanged." in html
    assert db.session.scalar(select(func.count()).select_from(BudgetSpendingLine)) == 7
    assert _lines() == 0  # no revenue line
    assert db.session.scalar(select(BudgetImport.kind)) is ImportKind.SPENDING
