"""`flask budgets import FILE` and `flask budgets categories`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from portal.budgets.models import BudgetImport, BudgetLine
from portal.extensions import db
from tests.budgets.conftest import AGYBET, csv_bytes, xlsx_bytes


def test_the_command_imports_a_file(app: Flask, tmp_path: Path, agybet: Any) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(xlsx_bytes((AGYBET, 2025, "YEAR", "land_tax", 1_000, None, 990)))
    result = app.test_cli_runner().invoke(args=["budgets", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 row from budget.xlsx" in result.output and "1 new" in result.output
    again = app.test_cli_runner().invoke(args=["budgets", "import", str(path)])
    assert "0 new, 0 changed, 1 unchanged" in again.output
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 1


def test_the_command_rejects_a_bad_file_and_says_where(app: Flask, tmp_path: Path,
                                                       agybet: Any) -> None:
    path = tmp_path / "budget.csv"
    path.write_bytes(csv_bytes((AGYBET, 2025, "YEAR", "land_tax", 1_000, None, None),
                               (AGYBET, 2025, "H1", "land_tax", 1_000, None, None)))
    result = app.test_cli_runner().invoke(args=["budgets", "import", str(path)])
    assert result.exit_code == 1
    assert "row 3, column period:" in result.output
    assert "Nothing imported: 1 problem(s) in budget.csv." in result.output
    assert db.session.scalar(select(func.count()).select_from(BudgetLine)) == 0
    assert db.session.scalar(select(BudgetImport.status)) == "failed"


def test_the_categories_command_is_idempotent(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["budgets", "categories"])
    assert result.exit_code == 0
    assert "0 added, 0 updated" in result.output  # the suite's fixture loaded them already
