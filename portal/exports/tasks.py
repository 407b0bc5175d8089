"""Background tasks of the exports domain: building bundles, pruning old files."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from portal.exports import bulk, store
from portal.jobs import app_periodic_task, app_task

# Cached dossiers and bundles unused for this many days are deleted (EXPORT_CACHE_DAYS).
DEFAULT_CACHE_DAYS = 14
# A running job silent for this many minutes lost its worker (EXPORT_STALL_MINUTES). A dossier
# takes under a second, so a live job reports many times a minute.
DEFAULT_STALL_MINUTES = 30


@app_task(retries=0)
def build_export(job_id: int) -> None:
    """Build a bulk export; progress and the result are on its ExportJob row."""
    bulk.run_export(job_id)


@app_periodic_task(crontab(hour="3", minute="40"))
def prune_export_files() -> int:
    days = int(current_app.config.get("EXPORT_CACHE_DAYS") or DEFAULT_CACHE_DAYS)
    return store.prune(days)


@app_periodic_task(crontab(minute="*/10"))
def fail_stalled_exports() -> int:
    minutes = int(current_app.config.get("EXPORT_STALL_MINUTES") or DEFAULT_STALL_MINUTES)
    return bulk.fail_stalled(minutes)
