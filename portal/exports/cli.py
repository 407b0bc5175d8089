"""`flask export pdf AKIM_ID -o FILE` and `flask export bundle`: thin wrappers over services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from portal.exports import bulk, services, store
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
    key, fresh = services.dossier_pdf(item)
    output.write_bytes(store.read(key))
    click.echo(f"Wrote {output} ({'rendered' if fresh else 'from the cache'}; "
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
