"""Background tasks of the storage: the nightly sweep of orphaned files."""

from __future__ import annotations

from huey import crontab

from portal import storage
from portal.jobs import app_periodic_task
from portal.storage import sweep


@app_periodic_task(crontab(hour="4", minute="10"))
def sweep_orphans() -> int:
    result = sweep.sweep(storage.current(), sweep.configured_grace())
    return len(result.orphans) + result.partials
