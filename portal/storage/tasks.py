"""Background tasks of the storage: the nightly sweep of orphaned files."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab

from portal import storage
from portal.jobs import app_periodic_task
from portal.storage import sweep


@app_periodic_task(crontab(hour="4", minute="10"))
def sweep_orphans() -> int:
    hours = float(current_app.config.get("STORAGE_SWEEP_GRACE_HOURS") or 6)
    result = sweep.sweep(storage.current(), timedelta(hours=hours))
    return len(result.orphans) + result.partials
