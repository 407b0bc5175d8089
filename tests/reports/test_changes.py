"""What a correction changed is marked once, by the job worker, and the page only reads it
(issue 24, finding 1): the worker as production runs it, the stored runs, the hourly catch-up."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.reports import changes, services, tasks
from portal.reports.diffing import tokens
from portal.reports.models import ReportChanges, ReportVersion
from tests.factories import ReportFactory, UserFactory
from tests.factories.reports import FILLED
from tests.mailworker import job_consumer


def _amend(report: Any, summary: str) -> ReportVersion:
    version = services.amend(report, {**FILLED, "summary": summary}, "The summary corrected.",
                             "tests")
    db.session.commit()
    return version


def _page(client: FlaskClient, report_id: int) -> str:
    response = client.get(f"/reports/{report_id}/versions/2/changes")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.concurrency
def test_the_worker_process_marks_a_correction_published_through_the_page(
        make_app: Any, database_url: str, tmp_path: Path, client: FlaskClient, login: Any,
        csrf: Any) -> None:
    settings = {"HUEY_SQLITE_PATH": str(tmp_path / "jobs.db")}
    make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=settings["HUEY_SQLITE_PATH"])
    report = ReportFactory(published=True, summary="a " * 1100)
    akim = UserFactory.akim_for(report.term)
    db.session.commit()
    report_id = report.id
    login(akim)
    url = f"/reports/{report_id}/amend"
    data = {**FILLED, "meeting_held_on": FILLED["meeting_held_on"].isoformat(),
            "summary": "b " * 1100, "reason": "Every a became a b.", "csrf_token": csrf(url)}
    assert client.post(url, data=data).status_code == 302
    version_id = db.session.scalar(select(ReportVersion.id).where(
        ReportVersion.report_id == report_id, ReportVersion.number == 2))
    assert db.session.get(ReportChanges, version_id) is None  # queued, not computed in the request

    with job_consumer(tmp_path / "worker", database_url, settings) as log:
        deadline = time.monotonic() + 60
        while db.session.get(ReportChanges, version_id) is None:
            assert time.monotonic() < deadline, f"not marked; worker log:\n{log.read_text()}"
            time.sleep(0.2)
            db.session.rollback()
    stored = db.session.get(ReportChanges, version_id)
    assert stored is not None and stored.method == changes.METHOD
    assert [step[0] for step in stored.runs["summary"]] == ["replace", "equal"]
    started = time.perf_counter()
    page = _page(client, report_id)
    assert time.perf_counter() - started < 1.0
    assert "<del>a a a" in page and "<ins>b b b" in page


def test_the_page_shows_the_stored_runs_and_ignores_runs_that_do_not_fit(
        client: FlaskClient) -> None:
    report = ReportFactory(published=True)
    version = _amend(report, "We repaired roads and opened two playgrounds.")
    stored = db.session.get(ReportChanges, version.id)
    assert stored is not None  # tests run jobs inline, after the commit
    assert "opened <del>a</del><ins>two</ins> <del>playground</del>" in _page(client, report.id)

    old_words, new_words = len(tokens(FILLED["summary"])), len(tokens(version.summary))
    stored.runs = {"summary": [["replace", 0, old_words, 0, new_words]]}
    db.session.commit()
    assert "<ins>We repaired roads and opened two playgrounds.</ins>" in _page(client,
                                                                             report.id)
    for wrong in ([["replace", 0, 3, 0, 3]], [["equal", 0, old_words, 0, new_words]],
                  [["swap", 0, old_words, 0, new_words]], [[0]]):
        stored.runs = {"summary": wrong}
        db.session.commit()
        assert "opened <del>a</del><ins>two</ins>" in _page(client, report.id), wrong
    stored.runs, stored.method = {"summary": [["replace", 0, old_words, 0, new_words]]}, 0
    db.session.commit()
    assert "opened <del>a</del><ins>two</ins>" in _page(client, report.id)


def test_the_hourly_run_marks_what_no_job_marked(client: FlaskClient) -> None:
    report = ReportFactory(published=True)
    version = _amend(report, "We repaired roads and opened two playgrounds.")
    db.session.delete(db.session.get(ReportChanges, version.id))
    db.session.commit()
    first = db.session.scalar(select(ReportVersion.id).where(
        ReportVersion.report_id == report.id, ReportVersion.number == 1))
    assert changes.unmarked(db.session(), 10) == [version.id]
    assert changes.mark(db.session(), first) is False  # a first version changes nothing
    assert tasks.mark_unmarked_changes.call_local() == 1
    assert changes.unmarked(db.session(), 10) == []
    assert tasks.mark_unmarked_changes.call_local() == 0
