"""Thin `flask …` commands over the services. Each command commits once, at its end."""

from __future__ import annotations

import os
import time

import click
from flask import Flask
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db
from portal.translate import translate


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(users)
    app.cli.add_command(geo)
    app.cli.add_command(translate)
    from portal.reports.cli import reports

    app.cli.add_command(reports)
    from portal.budgets.cli import budgets

    app.cli.add_command(budgets)
    from portal.recall.cli import recall

    app.cli.add_command(recall)
    from portal.opendata.cli import opendata

    app.cli.add_command(opendata)
    from portal.feedback.cli import feedback

    app.cli.add_command(feedback)
    from portal.exports.cli import export

    app.cli.add_command(export)
    from portal.audit.cli import audit

    app.cli.add_command(audit)
    from portal.storage.cli import storage_group

    app.cli.add_command(storage_group)
    from portal.backup.cli import backup

    app.cli.add_command(backup)
    from portal.notifications.cli import notifications

    app.cli.add_command(notifications)


@click.command("seed")
@click.option("--scale", type=click.Choice(["demo", "national"]), default="demo",
              show_default=True)
@click.option("--seed", "seed_value", type=int, default=2026, show_default=True,
              help="Random seed; the same seed gives the same data.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Reference date for the synthetic history (default: today).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
def seed_command(scale: str, seed_value: int, as_of: object, if_empty: bool) -> None:
    """Fill an empty database with deterministic synthetic data on the real map."""
    from portal import seed
    from portal.accounts.services import find_by_email
    from portal.seed.accounts import DEMO_ACCOUNTS
    from portal.seed.context import Scale

    if not seed.database_is_empty():
        if if_empty:
            click.echo("The database already has data; not seeding.")
            if find_by_email(DEMO_ACCOUNTS[0][0]) is not None:
                _print_demo_accounts()
            return
        raise click.ClickException("The database already has data; seed only an empty one.")
    started = time.perf_counter()
    reference = as_of.date() if as_of is not None else clock.today()  # type: ignore[attr-defined]
    seed.run(Scale(scale), seed_value, reference, progress=lambda line: click.echo(f"  {line}"))
    db.session.commit()
    click.echo(f"Seeded {scale} data in {time.perf_counter() - started:.1f} s "
               f"(seed {seed_value}, as of {reference.isoformat()}).")
    if scale == "demo":
        _print_demo_accounts()


def _print_demo_accounts() -> None:
    from portal.seed.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, roles in DEMO_ACCOUNTS:
        click.echo(f"  {email:<22} {', '.join(role.value for role in roles)}")


users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["citizen", "akim", "staff", "moderator", "admin"]),
              help="Repeat for several roles.")
def create_user(email: str, roles: tuple[str, ...]) -> None:
    """Create an account; the password comes from PORTAL_PASSWORD or a prompt."""
    from portal.accounts import services
    from portal.accounts.models import Role
    from portal.accounts.passwords import password_problem

    password = os.environ.get("PORTAL_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    try:
        user = services.create_user(email, password, [Role(role) for role in roles], "cli")
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}> with roles: {', '.join(roles)}.")


geo = AppGroup("geo", help="Reference map data.")


@geo.command("load")
def load_map() -> None:
    """Load the real regions and districts (what a production install starts from)."""
    from portal.geo.reference import load_reference_map

    result = load_reference_map(actor="cli")
    db.session.commit()
    click.echo(f"Added {result.regions_added} regions and {result.districts_added} districts.")


@geo.command("import-kato")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The classifier's date (default: the date in the file's name, else today).")
@click.option("--dry-run", is_flag=True, help="Print the differences; write nothing.")
@click.option("--list", "list_all", is_flag=True, help="Print every change, not the first 20 "
              "of each kind.")
def import_kato(path: str, as_of: object, dry_run: bool, list_all: bool) -> None:
    """Load the KATO classifier's units and settlements (the extract or the official file)."""
    from portal.geo.kato import KatoFileError, as_of_from_name, import_file

    started = time.perf_counter()
    reference = (as_of.date() if as_of is not None  # type: ignore[attr-defined]
                 else as_of_from_name(path) or clock.today())
    try:
        plan = import_file(path, reference, actor="cli", dry_run=dry_run)
    except KatoFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: {error}; nothing was written.") from error
    for line in plan.summary():
        click.echo(line)
    shown: dict[object, int] = {}
    for change in plan.changes:
        key = (change.level, change.kind)
        shown[key] = shown.get(key, 0) + 1
        if list_all or shown[key] <= 20:
            click.echo("  " + change.describe())
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        return
    db.session.commit()
    click.echo(f"Imported in {time.perf_counter() - started:.1f} s.")
