"""`flask feedback …`: thin commands over the feedback services."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal.extensions import db

feedback = AppGroup("feedback", help="Citizen ratings and comments.")

SHOWN_MISMATCHES = 20


@feedback.command("reconcile")
@click.option("--fix", is_flag=True, help="Set mismatched tallies to what the ratings say.")
def reconcile_command(fix: bool) -> None:
    """Check the rating tallies of every report and term against the rating rows.

    Exits with status 1 when tallies are wrong and --fix was not given."""
    from portal.feedback.reconcile import reconcile

    started = time.perf_counter()
    result = reconcile(fix=fix)
    for mismatch in result.mismatches[:SHOWN_MISMATCHES]:
        stored, actual = mismatch.stored, mismatch.actual
        click.echo(f"  {mismatch.level} {mismatch.key}: stored {stored.count} ratings, sum "
                   f"{stored.total}, {list(stored.distribution)}; ratings say {actual.count}, "
                   f"sum {actual.total}, {list(actual.distribution)}")
    if len(result.mismatches) > SHOWN_MISMATCHES:
        click.echo(f"  … and {len(result.mismatches) - SHOWN_MISMATCHES} more")
    click.echo(f"Checked {result.reports_checked} report tallies and {result.terms_checked} "
               f"term tallies in {time.perf_counter() - started:.1f} s: "
               f"{len(result.mismatches)} mismatches.")
    if fix:
        db.session.commit()
        click.echo(f"Fixed {result.fixed} tallies.")
    elif result.mismatches:
        raise SystemExit(1)
