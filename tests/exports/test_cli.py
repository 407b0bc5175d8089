"""`flask export pdf` and `flask export bundle`."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flask import Flask

from tests.exports.conftest import Record, pdf_text


def test_export_pdf_writes_the_dossier(app: Flask, record: Record, tmp_path: Path) -> None:
    output = tmp_path / "dossier.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "pdf", str(record.term.akim_id), "-o", str(output),
                                 "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "rendered" in result.output
    assert "сельский округ Айгерим-Кудык" in pdf_text(output.read_bytes())
    again = runner.invoke(args=["export", "pdf", str(record.term.akim_id), "-o", str(output),
                                "--lang", "ru"])
    assert "from the cache" in again.output


def test_export_pdf_of_an_unknown_akim_fails(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["export", "pdf", "999999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "No akim 999999" in result.output


def test_export_bundle_of_a_district(app: Flask, record: Record, tmp_path: Path) -> None:
    output = tmp_path / "bundle.zip"
    result = app.test_cli_runner().invoke(args=[
        "export", "bundle", "--district", "6136", "--format", "zip", "--lang", "en",
        "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "1 dossier of district:6136" in result.output
    with zipfile.ZipFile(output) as archive:
        assert len(archive.namelist()) == 2


def test_export_bundle_needs_exactly_one_area(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    both = runner.invoke(args=["export", "bundle", "--district", "6136", "--nation", "-o",
                               str(tmp_path / "x.pdf")])
    assert both.exit_code != 0 and "exactly one" in both.output
    unknown = runner.invoke(args=["export", "bundle", "--region", "98", "-o",
                                  str(tmp_path / "x.pdf")])
    assert unknown.exit_code != 0 and "No such area" in unknown.output
