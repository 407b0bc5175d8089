"""Background tasks of the exports domain: building bundles, pruning old files."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from portal.exports import bulk, freshness, store
from portal.extensions import db
from portal.jobs import app_periodic_task, app_task, huey, in_app_context

# Cached dossiers and bundles unused for this many days are deleted (EXPORT_CACHE_DAYS).
DEFAULT_CACHE_DAYS = 14
# One run of the dossier rebuilds lasts about this long, then queues the next run behind the
# jobs waiting meanwhile (a bundle someone asked for does not wait for a night's rebuilds).
REBUILD_SECONDS = 30
# A running job silent for this many minutes lost its worker (EXPORT_STALL_MINUTES). A dossier
# takes under a second, so a live job reports many times a minute.
DEFAULT_STALL_MINUTES = 30
# A job whose consumer died is started again this many times in all (EXPORT_MAX_ATTEMPTS).
DEFAULT_MAX_ATTEMPTS = 2


@app_task(retries=0)
def build_export(job_id: int) -> None:
    """Build a bulk export; progress and the result are on its ExportJob row."""
    bulk.run_export(job_id)


def cache_days() -> int:
    return int(current_app.config.get("EXPORT_CACHE_DAYS") or DEFAULT_CACHE_DAYS)


@app_task(retries=0)
def rebuild_dossiers() -> None:
    """Render queued dossiers, newest change first (woken after each commit that queued)."""
    if freshness.drain(db.session(), REBUILD_SECONDS).more:
        rebuild_dossiers()


@app_periodic_task(crontab(hour="19", minute="1"))  # Huey runs on UTC: 00:01 at UTC+5
def queue_dossiers_for_the_new_day() -> None:
    if freshness.queue_new_day(db.session(), cache_days()):
        rebuild_dossiers()


@app_periodic_task(crontab(hour="3", minute="40"))
def prune_export_files() -> int:
    return store.prune(cache_days())


@app_periodic_task(crontab(minute="*/10"))
def fail_stalled_exports() -> int:
    minutes = int(current_app.config.get("EXPORT_STALL_MINUTES") or DEFAULT_STALL_MINUTES)
    return bulk.fail_stalled(minutes)


def recover_abandoned() -> list[int]:
    """Queue again (or fail) the running jobs of consumers that died; enqueue after commit."""
    attempts = int(current_app.config.get("EXPORT_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)
    requeued = bulk.requeue_abandoned(attempts)
    for job_id in requeued:
        build_export(job_id)
    return requeued


@app_periodic_task(crontab(minute="*"))
def recover_abandoned_exports() -> list[int]:
    """Every minute: a consumer on another machine that stopped beating lost its jobs."""
    return recover_abandoned()


@huey.on_startup("recover-exports")
@in_app_context
def _recover_on_start() -> None:
    """A consumer restarted after a crash picks up the jobs its predecessor held at once
    (on the same machine a dead process is known without waiting for missed beats)."""
    recover_abandoned()
