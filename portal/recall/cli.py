"""`flask recall evaluate [--as-of YYYY-MM-DD] [--dry-run]`: a thin wrapper over the service."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask.cli import AppGroup

recall = AppGroup("recall", help="Recall-trigger flags.")


@recall.command("evaluate")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate as of this day (default: today in Almaty).")
@click.option("--dry-run", is_flag=True,
              help="Show what the rules find on that day; change nothing (any date).")
def evaluate_command(as_of: datetime | None, dry_run: bool) -> None:
    """Evaluate the recall-trigger rules for every serving term."""
    from portal.extensions import db
    from portal.recall import evaluation
    from portal.recall.jobs import run_evaluation
    from portal.recall.ruleset import current_rules
    from portal.reports.timeliness import local_today

    day = as_of.date() if as_of is not None else local_today()
    started = time.perf_counter()
    if dry_run:
        current = current_rules()
        found = evaluation.findings_at(day, current.rules)
        db.session.rollback()
        click.echo(f"As of {day.isoformat()} (rules version "
                   f"{current.number or 'not yet saved'}): {len(found.terms)} serving terms, "
                   f"{len(found.findings)} findings; nothing was changed.")
        for rule, count in sorted(found.by_rule().items(), key=lambda item: item[0].number):
            click.echo(f"  rule {rule.number} ({rule.value}): {count}")
        return
    try:
        result = run_evaluation(day, actor="cli")
    except evaluation.EvaluationError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Evaluated {result['terms']} serving terms as of {day.isoformat()} with rules version "
        f"{result['rule_version']} in {time.perf_counter() - started:.2f} s: "
        f"{result['raised']} raised, {result['confirmed']} confirmed, {result['cleared']} "
        f"cleared; {result['petitions_closed']} petitions closed.")
