"""Background jobs: the daily evaluation (its new flags are told by portal.notifications)."""

from __future__ import annotations

from huey import crontab

from portal.jobs import app_periodic_task


# 02:30 in Almaty (UTC+5) is 21:30 UTC of the day before; the queue keeps UTC.
@app_periodic_task(crontab(hour="21", minute="30"))
def evaluate_daily() -> dict[str, int]:
    from portal.recall.jobs import run_evaluation
    from portal.reports.timeliness import local_today

    return run_evaluation(local_today(), actor="job")
