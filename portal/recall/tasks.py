"""Background jobs: the daily evaluation and the notices of new flags."""

from __future__ import annotations

from huey import crontab

from portal.extensions import db
from portal.jobs import app_periodic_task, app_task


@app_task(retries=2, retry_delay=60)
def notify_flags_raised(flag_ids: list[int]) -> int:
    from portal.recall import notify

    sent = notify.flags_raised(flag_ids)
    db.session.commit()
    return sent


# 02:30 in Almaty (UTC+5) is 21:30 UTC of the day before; the queue keeps UTC.
@app_periodic_task(crontab(hour="21", minute="30"))
def evaluate_daily() -> dict[str, int]:
    from portal.recall.jobs import run_evaluation
    from portal.reports.timeliness import local_today

    return run_evaluation(local_today(), actor="job")
