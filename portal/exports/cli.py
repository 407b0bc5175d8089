"""`flask export pdf AKIM_ID -o FILE`, `flask export bundle` and `flask export verify FILE`:
thin wrappers over services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from portal.exports import bulk, services, store, verify
from portal.exports.models import ExportFormat
from portal.exports.scope import Scope, ScopeLevel

export = AppGroup("export", help="Accountability dossiers as PDF.")
LANGUAGE = click.Choice(services.LANGUAGES)


@export.command("pdf")
@click.argument("akim_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True, help="Where to write the PDF.")
@click.option("--lang", "language", type=LANGUAGE, default="kk", show_default=True)
def export_pdf(akim_id: int, output: Path, language: str) -> None:
    """One akim's accountability dossier (reused from the cache when the data is unchanged)."""
    item = services.prepare(akim_id, language)
    if item is None:
        raise click.ClickException(f"No akim {akim_id} with a term.")
    key, served = services.dossier_pdf(item)
    output.write_bytes(store.read(key))
    rendered = served is services.Served.MISS
    click.echo(f"Wrote {output} ({'rendered' if rendered else 'from the cache'}; "
               f"fingerprint {item.short_fingerprint}).")


@export.command("bundle")
@click.option("--region", "region", metavar="KATO2", help="A region's two-digit KATO code.")
@click.option("--district", "district", metavar="KATO4", help="A district's four-digit code.")
@click.option("--nation", is_flag=True, help="Every serving akim in the country.")
@click.option("--format", "export_format", type=click.Choice([f.value for f in ExportFormat]),
              default="pdf", show_default=True)
@click.option("--lang", "language", type=LANGUAGE, default="kk", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              required=True)
def export_bundle(region: str | None, district: str | None, nation: bool, export_format: str,
                  language: str, output: Path) -> None:
    """The summary and every dossier of an area, as one PDF or a ZIP."""
    chosen = [value for value in (region, district, nation or None) if value]
    if len(chosen) != 1:
        raise click.UsageError("Give exactly one of --region, --district or --nation.")
    key = ("nation" if nation else f"region:{region}" if region else f"district:{district}")
    scope = Scope.parse(key)
    if scope is None or not scope.exists():
        raise click.ClickException(f"No such area: {key}.")
    progress = _Progress()
    try:
        result = bulk.produce_bundle(scope, ExportFormat(export_format), language,
                                     progress.start, progress.advance)
    finally:
        progress.finish()
    assert result.key is not None  # noqa: S101 - nothing asks the CLI to stop
    output.write_bytes(store.read(result.key))
    label = "the whole country" if scope.level is ScopeLevel.NATION else key
    plural = "dossier" if result.dossiers == 1 else "dossiers"
    click.echo(f"Wrote {output}: {result.dossiers} {plural} of {label} "
               f"({'from the cache' if result.from_cache else 'built'}).")


@export.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def export_verify(file: Path) -> None:
    """Is the dossier FILE still current? Exit 0: current; 1: stale (the changed facts are
    listed); 2: FILE is not a dossier of this portal."""
    claim = verify.claim_from_pdf(file.read_bytes())
    if claim is None:
        click.echo(f"{file} is not an accountability dossier of this portal: it carries no "
                   "data fingerprint (a PDF the portal made has one in its metadata).", err=True)
        raise SystemExit(2)
    verdict = verify.verify(claim)
    described = (f"data fingerprint {verdict.short} (akim {verdict.akim_id}, data as of "
                 f"{verdict.as_of})")
    if verdict.outcome is verify.Outcome.UNKNOWN:
        click.echo(f"{file}: data fingerprint {verdict.short} was not issued by this portal.",
                   err=True)
        raise SystemExit(2)
    if verdict.outcome is verify.Outcome.CURRENT:
        click.echo(f"Current: {described} is what the portal's data gives today.")
        return
    click.echo(f"Stale: {described} no longer matches the portal's data "
               f"(today: {verify.fingerprints.short(verdict.current_fingerprint or '')}).")
    if not verdict.changes_known:
        click.echo("The facts of that fingerprint are not kept here, so the changes cannot "
                   "be named.")
    for change in verdict.changes[:verify.MAX_CHANGES]:
        click.echo(f"  {change.section}: {change.path}: {change.before} → {change.after}")
    if len(verdict.changes) > verify.MAX_CHANGES:
        click.echo(f"  … and {len(verdict.changes) - verify.MAX_CHANGES} more.")
    raise SystemExit(1)


@export.command("prune")
@click.option("--days", type=int, default=14, show_default=True)
def export_prune(days: int) -> None:
    """Delete cached dossiers and bundles unused for DAYS days."""
    click.echo(f"Removed {store.prune(days)} files.")


class _Progress:
    """A click progress bar that starts once the number of dossiers is known."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def start(self, _fingerprint: str, total: int) -> None:
        self.bar = click.progressbar(length=total, label="Dossiers")
        self.bar.render_progress()

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.done)
            self.done = done

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
