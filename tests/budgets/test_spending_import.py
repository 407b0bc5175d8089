"""Spending lines and the maslikhat decisions go through the revenue importer's machinery:
all rows or none, every error located, idempotent, CSV, XLSX and the 1251 message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditEvent
from portal.budgets.models import (
    BudgetDecision,
    BudgetFunction,
    BudgetImport,
    BudgetLine,
    BudgetSpendingLine,
    BudgetYearSummary,
    DecisionKind,
    ImportKind,
    ImportStatus,
    PeriodKind,
)
from portal.budgets.services import import_budget_file
from portal.budgets.template_files import DECISIONS, SPENDING, template_csv, template_xlsx
from portal.budgets.validation import DECISION_COLUMNS, SPENDING_COLUMNS, ErrorCode
from portal.extensions import db
from tests.budgets.conftest import AGYBET, csv_bytes, xlsx_bytes

LAST_YEAR = clock.today().year - 1
ADOPTED_ON = f"{LAST_YEAR - 1}-12-27"
ADOPTED_URL = "https://adilet.zan.kz/rus/docs/G24TD00123M"
VALID_SPENDING = (
    (AGYBET, 2025, "YEAR", "01", 61_250_000, 63_400_000, None),
    (AGYBET, 2025, "Q1", "01", None, None, 14_870_500),
    (AGYBET, 2025, "Q2", "01", None, None, 15_002_000),
    (AGYBET, 2025, "YEAR", "07", 38_900_000, None, None),
    (AGYBET, 2025, "M01", "12", None, None, 1_250_000),
)


def spending(*rows: tuple[Any, ...]) -> bytes:
    return csv_bytes(*rows, header=SPENDING_COLUMNS)


def decisions(*rows: tuple[Any, ...]) -> bytes:
    return csv_bytes(*rows, header=DECISION_COLUMNS)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def stored(period_kind: PeriodKind, number: int, code: str) -> BudgetSpendingLine:
    line = db.session.scalar(
        select(BudgetSpendingLine).join(BudgetFunction)
        .where(BudgetSpendingLine.year == 2025, BudgetSpendingLine.period_kind == period_kind,
               BudgetSpendingLine.period_number == number, BudgetFunction.code == code))
    assert line is not None
    return line


def test_a_spending_file_is_imported_by_functional_group(agybet: Any) -> None:
    outcome = import_budget_file(spending(*VALID_SPENDING), "spending-2025.csv", "tests")

    assert outcome.succeeded, outcome.errors
    record = outcome.record
    assert record.kind is ImportKind.SPENDING
    assert (record.row_count, record.inserted, record.updated, record.unchanged) == (5, 5, 0, 0)
    plan = stored(PeriodKind.YEAR, 0, "01")
    assert (plan.approved, plan.adjusted, plan.actual) == (61_250_000, 63_400_000, None)
    assert stored(PeriodKind.QUARTER, 2, "01").actual == 15_002_000
    assert stored(PeriodKind.MONTH, 1, "12").actual == 1_250_000
    # Spending is not revenue: no revenue line, no revenue summary.
    assert count(BudgetLine) == 0 and count(BudgetYearSummary) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budgets.import"))
    assert event is not None and event.after is not None and event.after["kind"] == "spending"


def test_the_same_spending_file_again_changes_nothing(agybet: Any) -> None:
    data = spending(*VALID_SPENDING)
    import_budget_file(data, "spending.csv", "tests")
    again = import_budget_file(data, "spending.csv", "tests").record

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert count(BudgetSpendingLine) == 5


def test_a_changed_spending_row_is_updated_and_an_empty_cell_keeps_the_value(
        agybet: Any) -> None:
    import_budget_file(spending(*VALID_SPENDING), "spending.csv", "tests")
    record = import_budget_file(spending((AGYBET, 2025, "YEAR", "01", None, None, 60_000_000)),
                                "actual.csv", "tests").record

    assert (record.inserted, record.updated, record.unchanged) == (0, 1, 0)
    plan = stored(PeriodKind.YEAR, 0, "01")
    assert (plan.approved, plan.adjusted, plan.actual) == (61_250_000, 63_400_000, 60_000_000)


BAD_SPENDING = [
    pytest.param(("999999999", 2025, "YEAR", "01", 10, None, None), "kato",
                 ErrorCode.UNKNOWN_KATO, id="unknown KATO"),
    pytest.param(("61363", 2025, "YEAR", "01", 10, None, None), "kato",
                 ErrorCode.BAD_KATO, id="short KATO"),
    pytest.param((None, 2025, "YEAR", "01", 10, None, None), "kato",
                 ErrorCode.MISSING_VALUE, id="empty KATO"),
    pytest.param((AGYBET, 2017, "YEAR", "01", 10, None, None), "year",
                 ErrorCode.BAD_YEAR, id="year before fourth-level budgets"),
    pytest.param((AGYBET, 2025, "Q5", "01", 10, None, None), "period",
                 ErrorCode.BAD_PERIOD, id="bad quarter"),
    pytest.param((AGYBET, 2025, "YEAR", "99", 10, None, None), "function",
                 ErrorCode.UNKNOWN_FUNCTION, id="unknown functional group"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", 10, None, None), "function",
                 ErrorCode.UNKNOWN_FUNCTION, id="a revenue category in a spending file"),
    pytest.param((AGYBET, 2025, "YEAR", "01", -10, None, None), "approved",
                 ErrorCode.NEGATIVE_AMOUNT, id="negative amount"),
    pytest.param((AGYBET, 2025, "YEAR", "01", None, None, "1.5"), "actual",
                 ErrorCode.FRACTIONAL_AMOUNT, id="fractional amount"),
    pytest.param((AGYBET, 2025, "YEAR", "01", '"1,000"', None, None), "approved",
                 ErrorCode.BAD_AMOUNT, id="ambiguous separator"),
    pytest.param((AGYBET, 2025, "YEAR", "01", 10**16, None, None), "approved",
                 ErrorCode.AMOUNT_TOO_LARGE, id="absurd amount"),
    pytest.param((AGYBET, 2025, "YEAR", "01", None, None, None), "",
                 ErrorCode.NO_AMOUNT, id="no amount"),
    pytest.param((AGYBET, 2025, "year", "1", 5, None, None), "",
                 ErrorCode.DUPLICATE_ROW, id="duplicate row (7 and 07 are one group)"),
]


@pytest.mark.parametrize(("bad_row", "column", "code"), BAD_SPENDING)
def test_a_bad_spending_row_is_located_and_nothing_is_written(
        agybet: Any, bad_row: tuple[Any, ...], column: str, code: ErrorCode) -> None:
    good = (AGYBET, 2025, "YEAR", "01", 1_000_000, None, None)
    outcome = import_budget_file(spending(good, bad_row), "spending.csv", "tests")

    assert not outcome.succeeded
    assert [(error.row, error.column, error.code) for error in outcome.errors] == [
        (3, column, code)]
    assert outcome.errors[0].message
    assert count(BudgetSpendingLine) == 0
    assert outcome.record.status is ImportStatus.FAILED
    assert outcome.record.kind is ImportKind.SPENDING


def test_a_spending_header_with_a_wrong_column_is_refused_on_row_one(agybet: Any) -> None:
    header = ("kato", "year", "period", "function", "approved", "adjusted", "actual", "note")
    outcome = import_budget_file(csv_bytes((AGYBET, 2025, "YEAR", "01", 1, None, None, "x"),
                                           header=header), "spending.csv", "tests")

    assert [(error.row, error.code) for error in outcome.errors] == [
        (1, ErrorCode.UNKNOWN_COLUMN)]
    assert "template" in outcome.errors[0].message


def test_a_spending_xlsx_is_imported_and_a_numeric_group_code_keeps_its_zero(
        agybet: Any) -> None:
    data = xlsx_bytes((int(AGYBET), 2025, "YEAR", 7, 38_900_000, None, None),
                      (int(AGYBET), 2025, "Q1", "07", None, None, 6_120_000),
                      header=SPENDING_COLUMNS)

    outcome = import_budget_file(data, "spending.xlsx", "tests")

    assert outcome.succeeded, outcome.errors
    assert outcome.record.file_format == "xlsx"
    assert stored(PeriodKind.YEAR, 0, "07").approved == 38_900_000
    assert stored(PeriodKind.QUARTER, 1, "07").actual == 6_120_000


def test_a_windows_1251_spending_csv_gets_the_encoding_message(agybet: Any) -> None:
    text = ",".join(SPENDING_COLUMNS) + "\r\n" + f"{AGYBET},2025,YEAR,01,100,,\r\n"
    data = (text + "примечание,Аппарат акима\r\n").encode("cp1251")

    outcome = import_budget_file(data, "spending.csv", "tests")

    [error] = outcome.errors
    assert error.code is ErrorCode.NOT_UTF8 and error.row == 3
    assert "Windows-1251" in error.message
    assert count(BudgetSpendingLine) == 0


@pytest.mark.parametrize("data", [
    pytest.param(template_csv(SPENDING), id="spending CSV"),
    pytest.param(template_csv(DECISIONS), id="decisions CSV"),
])
def test_the_templates_import_cleanly(agybet: Any, data: bytes) -> None:
    outcome = import_budget_file(data, "template.csv", "tests", max_year=2026)

    assert outcome.succeeded, outcome.errors


def test_the_xlsx_templates_import_cleanly(agybet: Any) -> None:
    functions = list(db.session.scalars(select(BudgetFunction)))
    for data in (template_xlsx(SPENDING, functions=functions), template_xlsx(DECISIONS)):
        outcome = import_budget_file(data, "template.xlsx", "tests", max_year=2026)
        assert outcome.succeeded, outcome.errors
    assert count(BudgetSpendingLine) == 5 and count(BudgetDecision) == 2


# --------------------------------------------------------------------------- decisions

def test_decisions_are_imported_and_again_change_nothing(agybet: Any) -> None:
    data = decisions((AGYBET, LAST_YEAR, "adopted", "№ 35/2", ADOPTED_ON, ADOPTED_URL),
                     (AGYBET, LAST_YEAR, "Amending", "41/3", f"14.06.{LAST_YEAR}",
                      "https://adilet.zan.kz/rus/docs/G24TD00200M"))

    first = import_budget_file(data, "decisions.csv", "tests").record
    again = import_budget_file(data, "decisions.csv", "tests").record

    assert first.kind is ImportKind.DECISIONS
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    adopted, amending = db.session.scalars(select(BudgetDecision).order_by(
        BudgetDecision.decided_on)).all()
    assert (adopted.kind, adopted.number, adopted.decided_on, adopted.url) == (
        DecisionKind.ADOPTED, "35/2", date(LAST_YEAR - 1, 12, 27), ADOPTED_URL)
    assert (amending.kind, amending.decided_on) == (DecisionKind.AMENDING,
                                                    date(LAST_YEAR, 6, 14))


def test_a_corrected_link_updates_the_stored_decision(agybet: Any) -> None:
    import_budget_file(decisions((AGYBET, LAST_YEAR, "adopted", "35/2", ADOPTED_ON,
                                  "https://example.kz/wrong")), "d.csv", "tests")
    record = import_budget_file(decisions((AGYBET, LAST_YEAR, "adopted", "35/2", ADOPTED_ON,
                                           ADOPTED_URL)), "d.csv", "tests").record

    assert (record.inserted, record.updated) == (0, 1)
    assert db.session.scalar(select(BudgetDecision.url)) == ADOPTED_URL


BAD_DECISIONS = [
    pytest.param((AGYBET, LAST_YEAR, "approved", "35/2", ADOPTED_ON, ADOPTED_URL), "kind",
                 ErrorCode.BAD_DECISION_KIND, id="unknown kind"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "x" * 41, ADOPTED_ON, ADOPTED_URL),
                 "decision_number", ErrorCode.BAD_DECISION_NUMBER, id="number too long"),
    pytest.param((AGYBET, LAST_YEAR, "amending", None, ADOPTED_ON, ADOPTED_URL),
                 "decision_number", ErrorCode.MISSING_VALUE, id="no number"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", "31.02.2024", ADOPTED_URL),
                 "decided_on", ErrorCode.BAD_DATE, id="no such day"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", "June 2024", ADOPTED_URL),
                 "decided_on", ErrorCode.BAD_DATE, id="date in words"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", f"{LAST_YEAR - 3}-01-10",
                  ADOPTED_URL), "decided_on", ErrorCode.DATE_OUTSIDE_YEAR,
                 id="dated years before the budget year"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", f"{LAST_YEAR + 2}-01-10",
                  ADOPTED_URL), "decided_on", ErrorCode.DATE_OUTSIDE_YEAR,
                 id="dated in the future"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", ADOPTED_ON, "adilet.zan.kz/doc"),
                 "url", ErrorCode.BAD_URL, id="link without https"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "41/3", ADOPTED_ON,
                  "javascript:alert(1)"), "url", ErrorCode.BAD_URL, id="script link"),
    pytest.param(("999999999", LAST_YEAR, "amending", "41/3", ADOPTED_ON, ADOPTED_URL),
                 "kato", ErrorCode.UNKNOWN_KATO, id="unknown KATO"),
    pytest.param((AGYBET, 2017, "amending", "41/3", "2017-03-01", ADOPTED_URL), "year",
                 ErrorCode.BAD_YEAR, id="year before fourth-level budgets"),
    pytest.param((AGYBET, LAST_YEAR, "adopted", "36/1", ADOPTED_ON, ADOPTED_URL),
                 "decision_number", ErrorCode.ADOPTED_TWICE, id="a second adopting decision"),
    pytest.param((AGYBET, LAST_YEAR, "amending", "35/2", ADOPTED_ON, ADOPTED_URL), "",
                 ErrorCode.DUPLICATE_DECISION, id="the same decision twice"),
]


@pytest.mark.parametrize(("bad_row", "column", "code"), BAD_DECISIONS)
def test_a_bad_decision_row_is_located_and_nothing_is_written(
        agybet: Any, bad_row: tuple[Any, ...], column: str, code: ErrorCode) -> None:
    good = (AGYBET, LAST_YEAR, "adopted", "35/2", ADOPTED_ON, ADOPTED_URL)
    outcome = import_budget_file(decisions(good, bad_row), "decisions.csv", "tests")

    assert [(error.row, error.column, error.code) for error in outcome.errors] == [
        (3, column, code)]
    assert outcome.errors[0].message
    assert count(BudgetDecision) == 0
    assert outcome.record.kind is ImportKind.DECISIONS


def test_a_second_adopting_decision_is_refused_against_the_stored_one(agybet: Any) -> None:
    import_budget_file(decisions((AGYBET, LAST_YEAR, "adopted", "35/2", ADOPTED_ON,
                                  ADOPTED_URL)), "d.csv", "tests")
    outcome = import_budget_file(decisions((AGYBET, LAST_YEAR, "adopted", "36/1", ADOPTED_ON,
                                            ADOPTED_URL)), "d.csv", "tests")

    [error] = outcome.errors
    assert error.code is ErrorCode.ADOPTED_TWICE and "35/2" in error.message
    assert count(BudgetDecision) == 1


def test_the_history_names_what_each_file_held(agybet: Any) -> None:
    import_budget_file(spending(*VALID_SPENDING), "s.csv", "tests")
    import_budget_file(decisions((AGYBET, LAST_YEAR, "adopted", "35/2", ADOPTED_ON,
                                  ADOPTED_URL)), "d.csv", "tests")
    kinds = db.session.scalars(select(BudgetImport.kind).order_by(BudgetImport.id)).all()

    assert kinds == [ImportKind.SPENDING, ImportKind.DECISIONS]
