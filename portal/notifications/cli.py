"""`flask notifications intake`: bounces and complaints handed over by the mail server.

Meant to be run by the mail server for each message to the return-path mailbox (a pipe
alias, see docs/notifications.md), or by hand with saved messages as arguments. Exit codes
follow sysexits, which mail servers understand: 0 read (whatever it said), 65 (EX_DATAERR)
not a bounce or complaint about a mail of ours, 75 (EX_TEMPFAIL) the database could not be
written: the mail server keeps the message and tries again later.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.notifications import bounces

notifications = AppGroup("notifications", help="Mail to followers: bounces and complaints.")

EX_DATAERR = 65
EX_TEMPFAIL = 75


@notifications.command("intake")
@click.argument("files", nargs=-1, type=click.File("rb"))
def intake(files: tuple[BinaryIO, ...]) -> None:
    """Read delivery status notifications (RFC 3464) and complaint reports (RFC 5965) from
    FILES, or one message from standard input; stop mail to addresses that failed for good
    or complained."""
    messages = [(handle.name, handle.read()) for handle in files] or [
        ("<stdin>", sys.stdin.buffer.read())]
    code = 0
    for name, raw in messages:
        try:
            outcomes = bounces.intake(raw)
            db.session.commit()
        except bounces.NotAReport as error:
            db.session.rollback()
            click.echo(f"{name}: ignored: {error}", err=True)
            code = max(code, EX_DATAERR)
            continue
        except SQLAlchemyError as error:
            db.session.rollback()
            click.echo(f"{name}: not recorded, try again later: {type(error).__name__}",
                       err=True)
            code = EX_TEMPFAIL
            continue
        for outcome in outcomes:
            click.echo(f"{name}: {outcome.describe()}")
    if code:
        raise SystemExit(code)
