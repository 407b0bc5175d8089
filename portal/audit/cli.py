"""`flask audit …`: check the audit trail's chain of seals."""

from __future__ import annotations

import re
import time

import click
from flask.cli import AppGroup

audit = AppGroup("audit", help="The tamper-evident audit trail.")

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(_context: click.Context, _param: click.Parameter,
            value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    match = ANCHOR.match(value.strip())
    if match is None:
        raise click.BadParameter("give ID:SEAL, as `audit verify` printed the head")
    return int(match.group(1)), match.group(2)


@audit.command("verify")
@click.option("--anchor", callback=_anchor, metavar="ID:SEAL",
              help="A head printed earlier (or logged nightly): it must still be there, "
                   "unchanged. Catches the newest events being deleted.")
def verify_command(anchor: tuple[int, str] | None) -> None:
    """Recompute every seal from the first event; name the first broken link.

    Exit status 0 when the chain holds (and the anchor, if given, is found unchanged), 1 when
    it is broken."""
    from portal.audit.chain import verify

    started = time.perf_counter()
    report = verify(anchor)
    seconds = time.perf_counter() - started
    if report.broken is not None:
        click.echo(f"BROKEN after {report.events} good events: {report.broken.describe()}.")
        if report.head_id is not None:
            click.echo(f"The chain holds up to event #{report.head_id}.")
        raise SystemExit(1)
    if report.anchor_ok is False:
        click.echo(f"BROKEN: the anchor event #{anchor[0] if anchor else '?'} is missing or its "
                   "seal differs: events were deleted from the end of the trail, or replaced.")
        raise SystemExit(1)
    click.echo(f"The audit trail holds: {report.events} events checked in {seconds:.1f} s.")
    if report.head_id is not None:
        click.echo(f"Head: {report.head_id}:{report.head_hash}")
