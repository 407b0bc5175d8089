"""`flask budgets …`: import a budget file, sync the category list. Thin wrappers."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db

budgets = AppGroup("budgets", help="Rural district budgets.")

ERRORS_PRINTED = 50


@budgets.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import a CSV or XLSX budget file: all rows, or none when any row has a problem."""
    from portal.budgets.services import import_budget_file

    started = time.perf_counter()
    outcome = import_budget_file(file.read_bytes(), file.name, "cli")
    db.session.commit()  # a rejected file is still recorded in the import history
    record = outcome.record
    seconds = time.perf_counter() - started
    if not outcome.succeeded:
        for error in outcome.errors[:ERRORS_PRINTED]:
            place = f"row {error.row}" if error.row else "file"
            column = f", column {error.column}" if error.column else ""
            click.echo(f"  {place}{column}: {error.message}", err=True)
        more = record.error_count - min(len(outcome.errors), ERRORS_PRINTED)
        if more > 0:
            click.echo(f"  … and {more} more.", err=True)
        raise click.ClickException(
            f"Nothing imported: {record.error_count} problem(s) in {file.name}.")
    rows = "row" if record.row_count == 1 else "rows"
    click.echo(f"Imported {record.row_count} {rows} from {file.name} in {seconds:.1f} s: "
               f"{record.inserted} new, {record.updated} changed, {record.unchanged} unchanged "
               f"(sha256 {record.file_sha256[:12]}…).")


@budgets.command("categories")
def categories_command() -> None:
    """Load or update the revenue categories from portal/budgets/data/categories.csv."""
    from portal.budgets.categories import sync_categories

    result = sync_categories("cli")
    db.session.commit()
    click.echo(f"Budget categories: {result.added} added, {result.updated} updated.")


@budgets.command("summaries")
def summaries_command() -> None:
    """Rebuild every yearly summary and the district roll-up from the revenue and spending
    lines (after a migration that adds to them; imports and the seed keep them current)."""
    from portal.budgets.summaries import refresh_year_summaries

    written = refresh_year_summaries()
    db.session.commit()
    click.echo(f"Budget summaries: {written} rural district years rebuilt.")
