"""Background tasks of the budgets domain: importing a large upload."""

from __future__ import annotations

from portal.budgets import queued
from portal.jobs import app_task


@app_task(retries=0)
def run_import(job_id: int) -> None:
    """Import a queued budget file; progress and the outcome are on its BudgetImportJob row."""
    queued.run_import(job_id)
