"""`flask reports …`: thin commands over the report services."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask.cli import AppGroup

from portal.extensions import db

reports = AppGroup("reports", help="Mandatory reports of akims.")


@reports.command("schedule")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Create the reports of periods begun by this day (default: today in Almaty).")
def schedule(as_of: datetime | None) -> None:
    """Create the report each serving term owes for every period begun (idempotent)."""
    from portal.reports.scheduling import schedule_reports
    from portal.reports.timeliness import local_today

    started = time.perf_counter()
    day = as_of.date() if as_of is not None else local_today()
    result = schedule_reports(day, actor="cli")
    db.session.commit()
    click.echo(f"{result.created} reports created for {result.terms} serving terms "
               f"(as of {day.isoformat()}) in {time.perf_counter() - started:.1f} s.")
