"""Bulk exports: start one, cancel one, and the job body that builds the bundle.

`start_export` and `cancel_export` are services (flush and audit; the view commits). The job
body `run_export` runs in the worker and commits its own progress, so the page can show it
and a cancel request can reach it; it checks for cancellation between dossiers.

Caching: the job first prepares every dossier's data and hashes the fingerprints, in order,
with the scope, format and language. When a bundle with that fingerprint is on disk the job
finishes at once from it; otherwise each dossier comes from the dossier cache or is rendered,
and only then is the bundle assembled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from portal import audit, heartbeat, storage
from portal.accounts.models import User
from portal.clock import local_date
from portal.exports import bundles, rendering, store
from portal.exports.dossier import dossiers_for_scope
from portal.exports.fingerprint import combine
from portal.exports.models import ExportFormat, ExportJob, ExportStatus
from portal.exports.pdf import collector_paused, template_version
from portal.exports.scope import Scope
from portal.exports.services import LANGUAGES, PreparedDossier, prepared
from portal.extensions import db
from portal.modeling import utcnow
from portal.transactions import commit_with_retry

log = logging.getLogger(__name__)

BUNDLE_FORMAT = "1"
STALLED = "The worker stopped while building this export; start it again."


class ExportError(ValueError):
    """A request that cannot be served; the message is for the user, `field` for the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --------------------------------------------------------------------------- services

def start_export(user: User, scope_key: str, export_format: str, language: str) -> ExportJob:
    """A queued job; the caller commits and then enqueues `tasks.build_export(job.id)`."""
    scope = Scope.parse(scope_key)
    if scope is None or not scope.exists():
        raise ExportError(_("Choose the whole country, a region or a district."), "area")
    if export_format not in ExportFormat._value2member_map_:
        raise ExportError(_("Choose one PDF or a ZIP of dossiers."), "format")
    if language not in LANGUAGES:
        raise ExportError(_("Choose Kazakh, Russian or English."), "language")
    job = ExportJob(user_id=user.id, scope=scope.key, format=ExportFormat(export_format),
                    language=language, status=ExportStatus.QUEUED, progress_done=0,
                    progress_total=0)
    db.session.add(job)
    db.session.flush()
    audit.record(user, "export.start", job, after={
        "scope": job.scope, "format": job.format.value, "language": job.language})
    return job


def cancel_export(job: ExportJob, user: User) -> None:
    """Ask a job to stop. A queued job stops at once; a running one at the next dossier."""
    if job.is_finished:
        raise ExportError(_("This export has already finished."))
    before = {"status": job.status.value, "cancel_requested": job.cancel_requested}
    job.cancel_requested = True
    if job.status is ExportStatus.QUEUED:
        _finish(job, ExportStatus.CANCELLED)
    db.session.flush()
    audit.record(user, "export.cancel", job, before=before,
                 after={"status": job.status.value, "cancel_requested": True})


def recent_jobs(user: User, limit: int = 20) -> list[ExportJob]:
    return list(db.session.scalars(
        select(ExportJob).where(ExportJob.user_id == user.id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)))


def result_key(job: ExportJob) -> str | None:
    """The finished file's storage key, if it is still stored (pruning removes old ones)."""
    if job.status is not ExportStatus.DONE or not job.result_file:
        return None
    key = store.key(store.BUNDLES, job.result_file)
    return key if store.exists(key) else None


# --------------------------------------------------------------------------- the job

def run_export(job_id: int) -> None:
    """Build the bundle of a queued job. Commits progress; never raises for a bad job."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status is not ExportStatus.QUEUED:
        return
    if job.cancel_requested:
        commit_with_retry(lambda: _finish(job, ExportStatus.CANCELLED))
        return
    # Claimed with a conditional update: a job queued twice (a retry racing a late original)
    # is built once.
    # Every write of the job's own row goes through commit_with_retry: on SQLite a transaction
    # that has read cannot start writing once another writer (a gunicorn, the other consumer
    # thread) has committed since, and a lost claim would leave the job queued for ever.
    def claim() -> int:
        now = utcnow()
        return int(db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
            .values(status=ExportStatus.RUNNING, started_at=now, progress_at=now,
                    worker_id=heartbeat.worker_id(), attempts=ExportJob.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount)  # type: ignore[attr-defined]

    claimed = commit_with_retry(claim)
    if not claimed:
        return
    db.session.refresh(job)
    try:
        _build(job)
    except Exception as error:
        log.exception("export job %s failed", job_id)
        # For the administrators' jobs page (the requester sees a general message); the
        # traceback is in the worker's log.
        text = f"{type(error).__name__}: {error}"[:300]

        def fail() -> None:
            failed = db.session.get(ExportJob, job_id)
            if failed is not None:
                failed.error = text
                _finish(failed, ExportStatus.FAILED)
        commit_with_retry(fail)


def requeue_abandoned(max_attempts: int) -> list[int]:
    """Running jobs whose consumer died (killed, its machine lost): queued again, or marked
    failed once they have been started `max_attempts` times. Returns the ids to enqueue, which
    the caller does after this commits. Safe to run in several consumers at once; written
    through commit_with_retry like every other write of a job's row (SQLite refuses a read
    transaction's first write once another writer has committed)."""

    def work() -> list[int]:
        requeued: list[int] = []
        running = list(db.session.execute(
            select(ExportJob.id, ExportJob.worker_id, ExportJob.attempts)
            .where(ExportJob.status == ExportStatus.RUNNING)))
        for job_id, worker, attempts in running:
            if not heartbeat.is_dead(worker):
                continue
            retry = attempts < max_attempts
            values: dict[str, Any] = (
                {"status": ExportStatus.QUEUED, "worker_id": None, "progress_done": 0}
                if retry else
                {"status": ExportStatus.FAILED, "error": STALLED, "finished_at": utcnow()})
            won = db.session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.RUNNING,
                       ExportJob.worker_id.is_(None) if worker is None
                       else ExportJob.worker_id == worker)
                .values(**values).execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
            if not won:
                continue  # another consumer got there first
            job = db.session.get(ExportJob, job_id)
            audit.record(None, "export.retry" if retry else "export.stalled", job,
                         before={"status": "running", "attempts": attempts},
                         after={"status": values["status"].value})
            if retry:
                requeued.append(job_id)
        return requeued

    return commit_with_retry(work)


def retry_failed(job: ExportJob, actor: User) -> bool:
    """Queue a failed job again as it was asked for (same area, format, language and
    requester); audited with the error it had. False when the job has not failed. The caller
    commits, then enqueues `build_export`."""
    if job.status is not ExportStatus.FAILED:
        return False
    before = {"status": job.status.value, "error": job.error, "attempts": job.attempts}
    job.status, job.error, job.cancel_requested = ExportStatus.QUEUED, None, False
    job.progress_done = job.progress_total = job.attempts = 0
    job.started_at = job.finished_at = job.progress_at = None
    job.worker_id = job.result_file = job.result_bytes = None
    job.inputs_fingerprint, job.from_cache = None, False
    db.session.flush()
    audit.record(actor, "export.retry", job, before=before, after={"status": "queued"})
    return True


def fail_stalled(minutes: int) -> int:
    """Mark failed every running job whose worker has not reported for `minutes` (it died or
    was restarted mid-job), so its page stops showing progress; the number marked."""
    cutoff = utcnow() - timedelta(minutes=minutes)

    def work() -> int:
        stalled = list(db.session.scalars(
            select(ExportJob).where(ExportJob.status == ExportStatus.RUNNING,
                                    ExportJob.progress_at < cutoff)))
        for job in stalled:
            job.error = STALLED
            _finish(job, ExportStatus.FAILED)
            audit.record(None, "export.stalled", job, before={"status": "running"},
                         after={"status": job.status.value})
        return len(stalled)

    return commit_with_retry(work)


def inputs_fingerprint(items: list[PreparedDossier], scope: Scope, export_format: ExportFormat,
                       language: str) -> str:
    return combine([item.rendition for item in items], "bundle", BUNDLE_FORMAT, scope.key,
                   export_format.value, language, template_version(language))


@dataclass(frozen=True)
class BundleResult:
    key: str | None  # in the storage; None: stopped before the end
    fingerprint: str
    dossiers: int
    from_cache: bool


def produce_bundle(scope: Scope, export_format: ExportFormat, language: str,
                   on_start: Callable[[str, int], None] = lambda _fingerprint, _total: None,
                   on_progress: Callable[[int], None] = lambda _done: None,
                   should_stop: Callable[[], bool] = lambda: False) -> BundleResult:
    """The bundle file of an area, from the cache when its inputs are unchanged. The job and
    `flask export bundle` both call this; they differ in how they report progress."""
    with collector_paused():
        items = prepared(dossiers_for_scope(scope, language))
        fingerprint = inputs_fingerprint(items, scope, export_format, language)
    on_start(fingerprint, len(items))
    target = store.bundle_key(fingerprint, export_format.value)
    if store.exists(target):
        store.touch(target)
        on_progress(len(items))
        return BundleResult(target, fingerprint, len(items), True)
    paths: list[str] = []
    page_counts: list[int] = []
    for index, path, pages in rendering.render_all(items, should_stop):
        paths.append(path)
        page_counts.append(pages)
        on_progress(index + 1)
    if len(paths) < len(items):
        return BundleResult(None, fingerprint, len(items), False)
    with collector_paused():
        content = assemble(scope, items, paths, page_counts, export_format, language,
                           fingerprint, utcnow())
    store.write(target, content,
                "application/zip" if export_format is ExportFormat.ZIP else "application/pdf")
    return BundleResult(target, fingerprint, len(items), False)


def _build(job: ExportJob) -> None:
    scope = Scope.parse(job.scope)
    assert scope is not None  # noqa: S101 - stored by start_export from a parsed scope

    def started(fingerprint: str, total: int) -> None:
        def write() -> None:
            job.inputs_fingerprint = fingerprint
            job.progress_total = total
            job.progress_at = utcnow()
        commit_with_retry(write)

    def progressed(done: int) -> None:
        def write() -> None:
            job.progress_done = done
            job.progress_at = utcnow()
        commit_with_retry(write)

    result = produce_bundle(scope, job.format, job.language, started, progressed,
                            lambda: _should_stop(job.id))
    if result.key is None:
        db.session.refresh(job)
        if job.status is ExportStatus.RUNNING and job.worker_id == heartbeat.worker_id():
            commit_with_retry(lambda: _finish(job, ExportStatus.CANCELLED))
        return  # otherwise another consumer has it now
    _done(job, result.key, from_cache=result.from_cache)


def assemble(scope: Scope, items: list[PreparedDossier], paths: list[str],
             page_counts: list[int], export_format: ExportFormat, language: str,
             fingerprint: str, generated_at: datetime) -> bytes:
    """The summary first, then the dossiers: merged into one PDF, or zipped."""
    if export_format is ExportFormat.ZIP:
        summary = bundles.summary_of(scope, items, language, [None] * len(items))
        summary_pdf, _pages = bundles.render_summary(summary, fingerprint, generated_at, False)
        names = [bundles.member_name(number, item)
                 for number, item in enumerate(items, start=1)]
        return bundles.zip_archive(summary_pdf, paths, names)
    # The summary lists the page each dossier starts on, which depends on the summary's own
    # length: lay it out, then again with the real numbers until the length holds.
    summary_pages = 1
    for _attempt in range(3):
        starts = bundles.first_pages(page_counts, summary_pages)
        summary = bundles.summary_of(scope, items, language, starts)
        summary_pdf, pages = bundles.render_summary(summary, fingerprint, generated_at, True)
        if pages == summary_pages:
            break
        summary_pages = pages
    with force_locale(language):
        titles = [f"{item.dossier.name} — {item.dossier.term.rural_district.name}"
                  for item in items]
        summary_title = _("Summary: %(area)s", area=summary.scope_name)
    return bundles.combined_pdf(summary_pdf, summary_title, paths, titles)


def _should_stop(job_id: int) -> bool:
    """Cancelled by its user, or no longer this process's job (taken for dead and queued
    again elsewhere): stop between dossiers rather than build it twice. One read a dossier."""
    row = db.session.execute(
        select(ExportJob.cancel_requested, ExportJob.status, ExportJob.worker_id)
        .where(ExportJob.id == job_id)).one_or_none()
    if row is None:
        return True
    cancel_requested, status, worker = row
    return (bool(cancel_requested) or status is not ExportStatus.RUNNING
            or worker != heartbeat.worker_id())


def _done(job: ExportJob, target: str, *, from_cache: bool) -> None:
    info = storage.current().stat(target)
    if info is None:  # pruned in the instant since it was written or found
        raise storage.NotStored(target)
    def write() -> None:
        job.from_cache = from_cache
        job.result_file = target.rsplit("/", 1)[-1]
        job.result_bytes = info.size
        _finish(job, ExportStatus.DONE)
    commit_with_retry(write)


def _finish(job: ExportJob, status: ExportStatus) -> None:
    job.status = status
    job.finished_at = utcnow()


def download_name(job: ExportJob) -> str:
    """'dossiers-region-61-2026-11-22-en.pdf': the area, the day it was built, the language."""
    when = local_date(job.finished_at or job.created_at)
    return (f"dossiers-{job.scope.replace(':', '-')}-{when.isoformat()}-{job.language}"
            f".{job.format.value}")
