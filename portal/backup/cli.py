"""`flask backup create DIR`, `flask backup verify DIR` and `flask backup restore DIR`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.backup import archive

backup = AppGroup("backup", help="Back up and restore the database and the stored files.")
FOLDER = click.Path(file_okay=False, path_type=Path)


@backup.command("create")
@click.argument("target", type=FOLDER)
def create(target: Path) -> None:
    """Dump every table and copy every stored upload into TARGET (new or empty), with a
    manifest of SHA-256 hashes."""
    try:
        summary = archive.create(target, click.echo)
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {summary.rows} rows of {summary.tables} tables and {summary.files} "
               f"files ({summary.bytes} bytes) at revision {summary.revision} into {target}.")


@backup.command("verify")
@click.argument("source", type=FOLDER)
def verify(source: Path) -> None:
    """Check every file of a backup against its manifest (changes nothing)."""
    try:
        archive.verify(source, click.echo)
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo("The backup is whole.")


@backup.command("restore")
@click.argument("source", type=FOLDER)
def restore(source: Path) -> None:
    """Restore SOURCE into an empty database and an empty store, then migrate to the current
    version. Refuses a database or store that already holds data."""
    try:
        summary = archive.restore(source, click.echo)
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {summary.rows} rows of {summary.tables} tables and {summary.files} "
               f"files ({summary.bytes} bytes) from revision {summary.revision}; the audit "
               f"trail verifies ({summary.audit_events} events).")
