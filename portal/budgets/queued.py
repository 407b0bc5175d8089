"""Large budget uploads, imported by the job worker rather than inside the request.

An upload above BUDGET_IMPORT_INLINE_BYTES (default 1 MB, about 25,000 CSV rows; a rule of
ours, well under the 30 s a web worker may take) is put in `portal.storage` and queued; the
staff member sees its page (`/budgets/import/jobs/<id>`), which shows the rows checked of the
rows in the file, then the outcome: every row imported, or nothing and each problem with its
row. The worker runs the same `import_budget_file` as a small upload, in one transaction:
progress is committed only while rows are being checked, before any budget line is written.
The stored file is deleted once read; the storage sweep keeps it while a job names it and removes
it once none does (a request killed before its job row committed).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit, storage
from portal.accounts.models import User
from portal.budgets.models import BudgetImportJob, ImportJobStatus
from portal.budgets.services import display_name, import_budget_file
from portal.extensions import db
from portal.modeling import utcnow
from portal.storage import sweep

log = logging.getLogger(__name__)

DEFAULT_INLINE_BYTES = 1_000_000
# A rule of ours: the largest file allowed (MAX_DATA_ROWS) is checked and written in minutes,
# so an import running this long has no worker left; its transaction was rolled back.
DEFAULT_STALL_MINUTES = 30
KEY_PREFIX = f"{storage.UPLOADS}/budget-imports"


def _referenced(keys: list[str]) -> set[str]:
    """Which of these keys a job still names (for the orphan sweep): a job waiting for the
    worker keeps its file, however long the queue; a read file is deleted by the job."""
    named = db.session.scalars(
        select(BudgetImportJob.stored_key).where(BudgetImportJob.stored_key.in_(keys)))
    return {key for key in named if key is not None}


sweep.register(f"{KEY_PREFIX}/", _referenced)


def runs_as_job(size: int) -> bool:
    """Whether an upload of `size` bytes is imported by the worker (BUDGET_IMPORT_INLINE_BYTES)."""
    limit = current_app.config.get("BUDGET_IMPORT_INLINE_BYTES")
    return size > (DEFAULT_INLINE_BYTES if limit is None else int(limit))


def queue_import(data: bytes, file_name: str, user: User) -> BudgetImportJob:
    """Store the file and add its job (flushed, audited). The caller commits, then enqueues
    `portal.budgets.tasks.run_import(job.id)`: the worker must find the row."""
    is_xlsx = data.startswith(b"PK")
    key = f"{KEY_PREFIX}/{secrets.token_hex(16)}.{'xlsx' if is_xlsx else 'csv'}"
    storage.save(db.session(), key, data,
                 "application/zip" if is_xlsx else "text/csv")
    job = BudgetImportJob(user_id=user.id, file_name=display_name(file_name),
                          file_bytes=len(data), stored_key=key)
    db.session.add(job)
    db.session.flush()
    audit.record(user, "budgets.import_queued", job, None,
                 {"file_name": job.file_name, "file_bytes": len(data)})
    return job


def recent_jobs(limit: int = 10) -> list[BudgetImportJob]:
    """Imports still waiting or running, newest first (the import page lists them)."""
    return list(db.session.scalars(
        select(BudgetImportJob)
        .where(BudgetImportJob.status.in_([ImportJobStatus.QUEUED, ImportJobStatus.RUNNING]))
        .order_by(BudgetImportJob.id.desc()).limit(limit)))


def stall_minutes() -> int:
    return int(current_app.config.get("BUDGET_IMPORT_STALL_MINUTES") or DEFAULT_STALL_MINUTES)


def fail_stalled(minutes: int) -> int:
    """Mark stopped every import running for more than `minutes` and delete its stored file
    (after the commit: the row never names a deleted file); the number marked."""
    cutoff = utcnow() - timedelta(minutes=minutes)
    stalled = list(db.session.scalars(
        select(BudgetImportJob).where(BudgetImportJob.status == ImportJobStatus.RUNNING,
                                      BudgetImportJob.started_at < cutoff)))
    keys = [job.stored_key for job in stalled if job.stored_key is not None]
    for job in stalled:
        _finish(job, ImportJobStatus.FAILED)
        job.stored_key = None
        audit.record(None, "budgets.import_stalled", job, {"status": "running"},
                     {"status": job.status.value})
    db.session.commit()
    store = storage.current()
    for key in keys:
        store.delete(key)
    return len(stalled)


def run_import(job_id: int) -> None:
    """The job body: import the stored file, committing progress. Never raises."""
    # Claimed with a conditional update, so a job queued twice is imported once.
    claimed = db.session.execute(
        update(BudgetImportJob)
        .where(BudgetImportJob.id == job_id, BudgetImportJob.status == ImportJobStatus.QUEUED)
        .values(status=ImportJobStatus.RUNNING, started_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    if not claimed:
        return
    try:
        _import(_reload(job_id))
    except Exception:
        log.exception("budget import job %s failed", job_id)
        db.session.rollback()
        failed = db.session.get(BudgetImportJob, job_id)
        if failed is not None:
            _finish(failed, ImportJobStatus.FAILED)
            db.session.commit()


def _import(job: BudgetImportJob) -> None:
    store = storage.current()
    key = job.stored_key
    if key is None or not store.exists(key):
        _finish(job, ImportJobStatus.FAILED)
        db.session.commit()
        return
    data = store.read(key)
    job_id = job.id

    def progress(done: int, total: int) -> None:
        # Only called before any budget line is written: committing here commits the job
        # row (and the category sync, which is idempotent), never a part of the file.
        db.session.execute(
            update(BudgetImportJob).where(BudgetImportJob.id == job_id)
            .values(progress_done=done, progress_total=total)
            .execution_options(synchronize_session=False))
        db.session.commit()

    try:
        outcome = import_budget_file(data, job.file_name, job.user or "worker",
                                     progress=progress)
        job = _reload(job_id)
        job.import_id = outcome.record.id
        _finish(job, ImportJobStatus.DONE)
        db.session.commit()
    except IntegrityError:
        # Another import wrote the same lines meanwhile: nothing of this file was written.
        db.session.rollback()
        _finish(_reload(job_id), ImportJobStatus.FAILED)
        db.session.commit()
    store.delete(key)
    done = _reload(job_id)
    done.stored_key = None
    db.session.commit()


def _reload(job_id: int) -> BudgetImportJob:
    """The job row again after a commit or rollback (a claimed job is never deleted)."""
    return db.session.get_one(BudgetImportJob, job_id)


def _finish(job: BudgetImportJob, status: ImportJobStatus) -> None:
    job.status = status
    job.finished_at = utcnow()
    if status is ImportJobStatus.DONE:
        job.progress_done = job.progress_total
