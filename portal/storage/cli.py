"""`flask storage check` and `flask storage sweep`: thin wrappers over the storage."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from portal import storage
from portal.storage import sweep

storage_group = AppGroup("storage", help="Stored files: check the store, sweep orphans.")


@storage_group.command("check")
def check() -> None:
    """Write, read and remove a probe object: exit 1 when the store does not answer."""
    store = storage.current()
    try:
        store.check()
    except storage.StorageError as error:
        raise click.ClickException(f"{store.description}: {error}") from error
    click.echo(f"{store.description}: ok")


@storage_group.command("sweep")
@click.option("--grace-hours", type=float, default=None,
              help="Only files older than this; longer than any transaction "
                   "[default: STORAGE_SWEEP_GRACE_HOURS, else 6].")
@click.option("--dry-run", is_flag=True, help="List the orphans; remove nothing.")
def sweep_command(grace_hours: float | None, dry_run: bool) -> None:
    """Remove uploaded files no row references (left by a killed process)."""
    grace = sweep.configured_grace() if grace_hours is None else timedelta(hours=grace_hours)
    result = sweep.sweep(storage.current(), grace, dry_run=dry_run)
    for key in result.orphans:
        click.echo(f"{'orphan' if dry_run else 'removed'} {key}")
    verb = "would remove" if dry_run else "removed"
    click.echo(f"Checked {result.checked} files; {verb} {len(result.orphans)} orphans and "
               f"{result.partials} partial writes.")
