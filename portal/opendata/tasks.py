"""Background jobs that keep the bulk download current.

Nightly (02:30 in Almaty) it is rebuilt whatever happened, because report timeliness moves
with the calendar; every hour it is rebuilt only if the public data changed since.
"""

from __future__ import annotations

from huey import crontab

from portal.jobs import app_periodic_task, app_task
from portal.opendata import build


@app_task()
def build_open_data(force: bool = False) -> str | None:
    """Rebuild if forced or stale; the new file's SHA-256, or None when nothing was done."""
    result = build.refresh(force=force)
    return result.sha256 if result else None


@app_periodic_task(crontab(hour="21", minute="30"))  # Huey runs on UTC: 02:30 at UTC+5
def nightly_open_data() -> None:
    build.refresh(force=True)


@app_periodic_task(crontab(minute="45"))
def hourly_open_data() -> None:
    build.refresh(force=False)
