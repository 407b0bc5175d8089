"""Bulk exports end to end (jobs inline): start → progress → done → download; ZIP; the
bundle cache; cancelling; who may see a job; Redis; the worker pool."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from portal import jobs
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.exports import bulk, store
from portal.exports.models import ExportFormat, ExportJob, ExportStatus
from portal.exports.scope import Scope, ScopeLevel
from portal.exports.tasks import build_export
from portal.extensions import db
from portal.modeling import as_utc, utcnow
from tests.conftest import csrf_from
from tests.exports.conftest import Record, build_record, page_texts, pdf_text
from tests.factories import UserFactory

AREA = "district:6136"  # where the factories put rural districts


@pytest.fixture
def records() -> list[Record]:
    return [build_record(), build_record(names=("Тоқтаров Нұрлан Әліұлы",
                                                "Toktarov Nurlan Aliuly"))]


@pytest.fixture
def staff(login: Any) -> User:
    return login(UserFactory(staff=True))


def start(client: FlaskClient, area: str = AREA, export_format: str = "pdf",
          language: str = "en") -> Any:
    token = csrf_from(client.get("/exports/").get_data(as_text=True))
    return client.post("/exports/", data={"csrf_token": token, "area": area,
                                          "format": export_format, "language": language})


def only_job() -> ExportJob:
    return db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()


def download(client: FlaskClient, job: ExportJob) -> bytes:
    response = client.get(f"/exports/{job.id}/download")
    try:
        assert response.status_code == 200, response.status_code
        return response.get_data()
    finally:
        response.close()


# A row of the bundle's summary table: "<n> <akim>", then its place (which may wrap), then a
# line starting with the term's start date and ending with the page its dossier starts on.
SUMMARY_ROW = re.compile(r"^\d+ ([^\n·]+)\n(?:.*\n)*?\d{1,2}\s[A-Z][a-z]+ \d{4} .* (\d+)$",
                         re.M)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_form_offers_areas_with_their_akims(client: FlaskClient, staff: User,
                                                records: list[Record]) -> None:
    page = client.get("/exports/").get_data(as_text=True)
    assert '<option value="district:6136">Baidibek District (2)</option>' in page
    assert 'value="region:61"' in page
    assert 'value="nation"' in page


def test_a_combined_pdf_from_start_to_download(client: FlaskClient, staff: User,
                                               records: list[Record]) -> None:
    response = start(client)
    job = only_job()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exports/{job.id}")
    assert job.status is ExportStatus.DONE
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.user_id == staff.id and not job.from_cache
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "2 of 2 dossiers" in page and f"/exports/{job.id}/download" in page
    data = download(client, job)
    pages = page_texts(data)
    summary = pages[0]
    assert "Accountability dossiers: Baidibek District" in summary
    assert "2 serving akims" in squash(summary)
    # Each summary row ends with the page its dossier starts on, and that page is the
    # dossier's page 1 with that akim's name.
    rows = SUMMARY_ROW.findall(summary)
    names = {record.term.akim.full_name_latn for record in records}
    assert {name for name, _page in rows} == names
    for name, first_page in rows:
        text = squash(pages[int(first_page) - 1])
        assert "ACCOUNTABILITY DOSSIER" in text and name in text and "Page 1 of" in text
    # The bundle's page numbers, which the summary refers to, are printed on every page.
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text, number
    outline = [item.title for item in PdfReader(io.BytesIO(data)).outline
               if not isinstance(item, list)]
    assert outline[0] == "Summary: Baidibek District"
    assert {title.split(" — ")[0] for title in outline[1:]} == names


def test_a_zip_holds_the_summary_and_each_dossier(client: FlaskClient, staff: User,
                                                  records: list[Record]) -> None:
    start(client, export_format="zip", language="kk")
    job = only_job()
    assert job.format is ExportFormat.ZIP and job.status is ExportStatus.DONE
    with zipfile.ZipFile(io.BytesIO(download(client, job))) as archive:
        names = archive.namelist()
        assert names[0] == "000-summary.pdf"
        assert len(names) == 3
        assert all(re.fullmatch(r"\d{3}-\d{9}-[a-z0-9-]+\.pdf", name) for name in names[1:])
        texts = [pdf_text(archive.read(name)) for name in names[1:]]
    assert any("Сәрсенбаев Ғалым Қайратұлы" in text for text in texts)


def test_an_unchanged_area_is_served_from_the_bundle_cache(client: FlaskClient, staff: User,
                                                           records: list[Record]) -> None:
    start(client)
    first = only_job()
    start(client)
    second = only_job()
    assert second.id != first.id
    assert second.from_cache and second.status is ExportStatus.DONE
    assert second.result_file == first.result_file
    assert second.inputs_fingerprint == first.inputs_fingerprint
    records[0].overdue.claimed_progress = 80
    db.session.commit()
    start(client)
    third = only_job()
    assert not third.from_cache
    assert third.inputs_fingerprint != first.inputs_fingerprint


def test_the_status_for_the_progress_bar(client: FlaskClient, staff: User,
                                         records: list[Record]) -> None:
    start(client)
    job = only_job()
    status = client.get(f"/exports/{job.id}/status.json").get_json()
    assert status == {"status": "done", "status_label": "Ready", "done": 2, "total": 2,
                      "progress_text": "2 of 2 dossiers", "finished": True,
                      "download_url": f"/exports/{job.id}/download"}


def test_a_bad_area_re_renders_the_form(client: FlaskClient, staff: User) -> None:
    response = start(client, area="region:99")
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert only_job() is None


def test_cancelling_a_queued_export(make_app: Any, login: Any, records: list[Record],
                                    tmp_path: Path) -> None:
    other = make_app(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "jobs.db"),
                     STORAGE_URL=f"file://{tmp_path}")
    client = other.test_client()
    user = login(UserFactory(staff=True), on=client)
    start(client)
    job = only_job()
    assert job.status is ExportStatus.QUEUED
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Waiting to start" in page and "Cancel the export" in page
    assert 'http-equiv="refresh"' in page and "exports-progress.js" in page
    response = client.post(f"/exports/{job.id}/cancel", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.status is ExportStatus.CANCELLED and job.finished_at is not None
    task = jobs.huey.dequeue()
    assert task is not None
    jobs.huey.execute(task)
    db.session.refresh(job)
    assert job.status is ExportStatus.CANCELLED and job.progress_done == 0
    events = [event.action for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "export_job",
                                 AuditEvent.target_id == job.id))]
    assert events == ["export.start", "export.cancel"]
    assert user.id == job.user_id


def test_a_running_export_stops_between_dossiers(app: Flask, records: list[Record],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    user = UserFactory(staff=True)
    job = bulk.start_export(user, AREA, "pdf", "en")
    db.session.commit()
    checks: list[int] = []
    should_stop = bulk._should_stop

    def cancelled_after_the_first(job_id: int) -> bool:
        checks.append(job_id)
        if len(checks) == 2:  # the user pressed Cancel while the first dossier rendered
            db.session.get(ExportJob, job_id).cancel_requested = True
            db.session.commit()
        return should_stop(job_id)  # the job's own check reads the request from its row

    monkeypatch.setattr(bulk, "_should_stop", cancelled_after_the_first)
    bulk.run_export(job.id)
    db.session.refresh(job)
    assert job.status is ExportStatus.CANCELLED
    assert (job.progress_done, job.progress_total) == (1, 2)
    assert job.result_file is None


def test_a_finished_export_cannot_be_cancelled(client: FlaskClient, staff: User,
                                               records: list[Record]) -> None:
    start(client)
    job = only_job()
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "Cancel the export" not in page
    response = client.post(f"/exports/{job.id}/cancel", data={"csrf_token": csrf_from(page)},
                           follow_redirects=True)
    assert "This export has already finished." in response.get_data(as_text=True)


def test_jobs_are_private_to_their_owner_and_admins(client: FlaskClient, login: Any,
                                                    records: list[Record]) -> None:
    owner = UserFactory(staff=True)
    job = bulk.start_export(owner, AREA, "pdf", "en")
    db.session.commit()
    build_export(job.id)
    login(UserFactory(staff=True))
    for path in ("", "/status.json", "/download"):
        assert client.get(f"/exports/{job.id}{path}").status_code == 404
    assert f"/exports/{job.id}" not in client.get("/exports/").get_data(as_text=True)
    login(UserFactory(admin=True))
    assert client.get(f"/exports/{job.id}").status_code == 200
    response = client.get(f"/exports/{job.id}/download")
    assert response.status_code == 200
    response.close()


def test_a_pruned_file_asks_to_start_again(client: FlaskClient, staff: User,
                                           records: list[Record], export_folder: Path) -> None:
    start(client)
    job = only_job()
    (export_folder / "bundles" / str(job.result_file)).unlink()
    response = client.get(f"/exports/{job.id}/download", follow_redirects=True)
    assert "This file is no longer kept." in response.get_data(as_text=True)


def test_the_worker_pool_renders_like_this_process(app: Flask, records: list[Record]) -> None:
    app.config.update(EXPORT_RENDER_PROCESSES=2, EXPORT_POOL_THRESHOLD=1)
    try:
        result = bulk.produce_bundle(Scope(ScopeLevel.DISTRICT, "6136"), ExportFormat.ZIP, "en")
    finally:
        app.config.pop("EXPORT_RENDER_PROCESSES")
        app.config.pop("EXPORT_POOL_THRESHOLD")
    assert result.key is not None and result.dossiers == 2
    with zipfile.ZipFile(io.BytesIO(store.read(result.key))) as archive:
        texts = [squash(pdf_text(archive.read(name))) for name in archive.namelist()[1:]]
    for record, text in zip(records, texts, strict=True):
        assert record.term.akim.full_name_latn in text
        assert "Page 1 of" in text


@pytest.mark.redis
def test_bulk_exports_run_on_redis(make_app: Any, redis_url: str, records: list[Record],
                                   tmp_path: Path) -> None:
    make_app(JOBS_IMMEDIATE=False, REDIS_URL=redis_url,
             JOBS_QUEUE_NAME=f"test-exports-{uuid.uuid4().hex}",
             STORAGE_URL=f"file://{tmp_path}")
    jobs.huey.flush()
    try:
        job = bulk.start_export(UserFactory(staff=True), AREA, "zip", "ru")
        db.session.commit()
        build_export(job.id)
        assert job.status is ExportStatus.QUEUED
        task = jobs.huey.dequeue()
        assert task is not None
        jobs.huey.execute(task)
        db.session.refresh(job)
        assert job.status is ExportStatus.DONE
        assert (job.progress_done, job.progress_total) == (2, 2)
    finally:
        jobs.huey.flush()


def test_page_counts_come_back_when_their_notes_are_gone(app: Flask, records: list[Record],
                                                         export_folder: Path) -> None:
    scope = Scope(ScopeLevel.DISTRICT, "6136")
    first = bulk.produce_bundle(scope, ExportFormat.PDF, "en")
    assert first.key is not None
    first_summary = page_texts(store.read(first.key))[0]
    notes = sorted((export_folder / "dossiers").glob("*.pages"))
    counts = [note.read_text() for note in notes]
    assert len(notes) == 2 and all(count.isdigit() and int(count) >= 3 for count in counts), counts
    for path in [*notes, *(export_folder / "bundles").iterdir()]:
        path.unlink()
    again = bulk.produce_bundle(scope, ExportFormat.PDF, "en")
    assert again.key is not None and not again.from_cache
    before = SUMMARY_ROW.findall(first_summary)
    assert before and SUMMARY_ROW.findall(page_texts(store.read(again.key))[0]) == before
    assert sorted((export_folder / "dossiers").glob("*.pages")) == notes
    assert [note.read_text() for note in notes] == counts


def test_a_job_whose_worker_stopped_is_marked_failed_and_a_live_one_is_not(
        app: Flask, staff: User) -> None:
    now = utcnow()

    def job(status: ExportStatus, heartbeat_minutes_ago: int | None) -> ExportJob:
        heartbeat = None if heartbeat_minutes_ago is None else \
            now - timedelta(minutes=heartbeat_minutes_ago)
        row = ExportJob(user_id=staff.id, scope=AREA, format=ExportFormat.PDF, language="en",
                        status=status, progress_done=0, progress_total=3,
                        started_at=heartbeat, progress_at=heartbeat)
        db.session.add(row)
        return row

    dead = job(ExportStatus.RUNNING, 31)
    alive = job(ExportStatus.RUNNING, 5)
    queued = job(ExportStatus.QUEUED, None)
    db.session.commit()

    assert bulk.fail_stalled(30) == 1
    assert dead.status is ExportStatus.FAILED and dead.finished_at is not None
    assert dead.error == bulk.STALLED
    assert alive.status is ExportStatus.RUNNING
    assert queued.status is ExportStatus.QUEUED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.stalled"))
    assert bulk.fail_stalled(30) == 0  # idempotent


def test_a_running_job_reports_a_heartbeat(app: Flask, client: FlaskClient, staff: User,
                                           records: list[Record]) -> None:
    before = utcnow()
    start(client)
    job = only_job()
    assert job.status is ExportStatus.DONE
    assert job.progress_at is not None and as_utc(job.progress_at) >= before


def test_a_rendering_worker_starts_under_production_settings(make_app: Any,
                                                             redis_url: str) -> None:
    """The pool's workers are apps of their own: built without Redis or a mail server they
    were refused in production, and every bundle of more than a few dossiers failed there."""
    from portal.exports import rendering
    from tests.conftest import production_settings

    production = make_app(**production_settings(redis_url))
    with production.app_context():
        settings = rendering.worker_settings()
    worker = make_app(**rendering.worker_config(settings))
    assert worker.config["PORTAL_ENV"] == "production"
    assert worker.config["JOBS_IMMEDIATE"] is True
