"""`flask translate update|compile`: thin wrappers over pybabel for the kk, ru and en catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("kk", "ru", "en")

translate = AppGroup("translate", help="Extract, update and compile translations.")


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise click.ClickException(result.stderr.strip() or "pybabel failed")


@translate.command("update")
def update() -> None:
    """Extract every message into messages.pot and merge it into each catalogue."""
    TRANSLATIONS.mkdir(exist_ok=True)
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--sort-output", "--project", "akim-portal", "-o", str(TEMPLATE), ".")
    for language in LANGUAGES:
        catalogue = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        if catalogue.exists():
            _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language,
                     "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            _pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language)
    click.echo(f"Updated {', '.join(LANGUAGES)} from {TEMPLATE.relative_to(ROOT)}.")


@translate.command("compile")
def compile_catalogues() -> None:
    """Compile the catalogues into .mo files (run by make run and make test)."""
    if not TRANSLATIONS.exists():
        click.echo("No translations yet.")
        return
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
    click.echo("Compiled translations.")
