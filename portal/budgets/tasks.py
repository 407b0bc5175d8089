"""Background tasks of the budgets domain: importing a large upload, stopping a lost one."""

from __future__ import annotations

from huey import crontab

from portal.budgets import queued
from portal.jobs import app_periodic_task, app_task


@app_task(retries=0)
def run_import(job_id: int) -> None:
    """Import a queued budget file; progress and the outcome are on its BudgetImportJob row."""
    queued.run_import(job_id)


@app_periodic_task(crontab(minute="*/10"))
def fail_stalled_imports() -> int:
    """Imports whose worker died mid-file are marked stopped (`queued.fail_stalled`)."""
    return queued.fail_stalled(queued.stall_minutes())
