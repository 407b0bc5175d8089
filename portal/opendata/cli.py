"""`flask opendata export`: build the bulk download now, in this process."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.opendata import build

opendata = AppGroup("opendata", help="The open-data bulk download.")


@opendata.command("export")
@click.option("--if-stale", is_flag=True,
              help="Only when the public data changed since the last build.")
def export(if_stale: bool) -> None:
    """Store the ZIP (a CSV per table, datapackage.json, README, licence) in the storage."""
    result = build.refresh(force=not if_stale)
    if result is None:
        click.echo(f"Up to date: {build.zip_key()}")
        return
    click.echo(f"Wrote {build.zip_key()} ({result.size_bytes:,} bytes, "
               f"{sum(result.tables.values()):,} rows in {len(result.tables)} tables) "
               f"in {result.seconds:.1f} s.")
    click.echo(f"SHA-256 {result.sha256}")
