"""The importer: all rows or none, every error located, idempotent, CSV and XLSX."""

from __future__ import annotations

import time
import zipfile
from io import BytesIO
from typing import Any

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.budgets.categories import all_categories
from portal.budgets.models import (
    BudgetImport,
    BudgetLine,
    BudgetYearSummary,
    ImportStatus,
    PeriodKind,
)
from portal.budgets.readers import AreaLevel, area_budget
from portal.budgets.services import import_budget_file
from portal.budgets.validation import ErrorCode
from portal.extensions import db
from portal.geo.models import RuralDistrict
from tests.budgets.conftest import AGYBET, HEADER, OTHER, csv_bytes, xlsx_bytes
from tests.factories import RuralDistrictFactory

VALID_ROWS = (
    (AGYBET, 2025, "YEAR", "land_tax", 1_000_000, 1_200_000, None),
    (AGYBET, 2025, "Q1", "land_tax", None, None, 100_000),
    (AGYBET, 2025, "Q2", "land_tax", None, None, 200_000),
    (AGYBET, 2025, "YEAR", "subventions", 5_000_000, None, None),
    (AGYBET, 2025, "M01", "subventions", None, None, 400_000),
)


def line_count() -> int:
    return db.session.scalar(select(func.count()).select_from(BudgetLine)) or 0


def stored(kato: str, year: int, kind: PeriodKind, number: int, code: str) -> BudgetLine:
    from portal.budgets.models import BudgetCategory

    line = db.session.scalar(
        select(BudgetLine)
        .join(RuralDistrict, RuralDistrict.id == BudgetLine.rural_district_id)
        .join(BudgetCategory, BudgetCategory.id == BudgetLine.category_id)
        .where(RuralDistrict.kato == kato, BudgetLine.year == year,
               BudgetLine.period_kind == kind, BudgetLine.period_number == number,
               BudgetCategory.code == code)
    )
    assert line is not None
    return line


def test_a_valid_file_is_imported_with_exact_amounts_and_a_history(agybet: Any) -> None:
    outcome = import_budget_file(csv_bytes(*VALID_ROWS), "aralagash-2025.csv", "tests")

    assert outcome.succeeded and outcome.errors == []
    record = outcome.record
    assert (record.row_count, record.inserted, record.updated, record.unchanged) == (5, 5, 0, 0)
    assert record.file_name == "aralagash-2025.csv" and record.file_format == "csv"
    assert len(record.file_sha256) == 64 and record.actor_label == "tests"
    plan = stored(AGYBET, 2025, PeriodKind.YEAR, 0, "land_tax")
    assert (plan.approved, plan.adjusted, plan.actual) == (1_000_000, 1_200_000, None)
    assert stored(AGYBET, 2025, PeriodKind.MONTH, 1, "subventions").actual == 400_000
    summary = db.session.get(BudgetYearSummary, (agybet.id, 2025))
    assert summary is not None
    assert summary.plan_total == 6_200_000  # adjusted land plan + approved subventions
    assert summary.approved_total == 6_000_000
    assert summary.actual_total == 700_000 and summary.actual_own == 300_000
    assert summary.actual_transfers == 400_000
    assert summary.actual_through == 6  # the land tax reaches the end of Q2
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "budgets.import"))


BAD_ROWS = [
    pytest.param(("999999999", 2025, "YEAR", "land_tax", 10, None, None), "kato",
                 ErrorCode.UNKNOWN_KATO, id="unknown KATO"),
    pytest.param(("61363", 2025, "YEAR", "land_tax", 10, None, None), "kato",
                 ErrorCode.BAD_KATO, id="short KATO"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", -10, None, None), "approved",
                 ErrorCode.NEGATIVE_AMOUNT, id="negative amount"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", None, None, "1.5"), "actual",
                 ErrorCode.FRACTIONAL_AMOUNT, id="fractional amount"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", "12abc", None, None), "approved",
                 ErrorCode.BAD_AMOUNT, id="not a number"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", '"1,000"', None, None), "approved",
                 ErrorCode.BAD_AMOUNT, id="ambiguous separator"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", 10**16, None, None), "approved",
                 ErrorCode.AMOUNT_TOO_LARGE, id="absurd amount"),
    pytest.param((AGYBET, 2025, "YEAR", "beer_tax", 10, None, None), "category",
                 ErrorCode.UNKNOWN_CATEGORY, id="unknown category"),
    pytest.param((AGYBET, 2025, "YEAR", "mineral_extraction_tax", 10, None, None),
                 "category", ErrorCode.CATEGORY_NOT_IN_FORCE, id="category before its year"),
    pytest.param((AGYBET, 2025, "Q5", "land_tax", 10, None, None), "period",
                 ErrorCode.BAD_PERIOD, id="bad quarter"),
    pytest.param((AGYBET, 2025, "2025-03", "land_tax", 10, None, None), "period",
                 ErrorCode.BAD_PERIOD, id="date as period"),
    pytest.param((AGYBET, 2025, None, "land_tax", 10, None, None), "period",
                 ErrorCode.MISSING_VALUE, id="empty period"),
    pytest.param((AGYBET, 1999, "YEAR", "land_tax", 10, None, None), "year",
                 ErrorCode.BAD_YEAR, id="year before fourth-level budgets"),
    pytest.param((AGYBET, "20x5", "YEAR", "land_tax", 10, None, None), "year",
                 ErrorCode.BAD_YEAR, id="year not a number"),
    pytest.param((AGYBET, 2025, "YEAR", "land_tax", None, None, None), "",
                 ErrorCode.NO_AMOUNT, id="no amount"),
    pytest.param((AGYBET, 2025, "year", "LAND_TAX", 5, None, None), "",
                 ErrorCode.DUPLICATE_ROW, id="duplicate row (codes are case-insensitive)"),
]


@pytest.mark.parametrize(("bad_row", "column", "code"), BAD_ROWS)
def test_a_bad_row_is_located_and_nothing_is_written(
    agybet: Any, bad_row: tuple[Any, ...], column: str, code: ErrorCode
) -> None:
    good = (AGYBET, 2025, "YEAR", "land_tax", 1_000_000, None, None)
    outcome = import_budget_file(csv_bytes(good, bad_row), "budget.csv", "tests")

    assert not outcome.succeeded
    assert [(error.row, error.column, error.code) for error in outcome.errors] == [
        (3, column, code)]
    assert outcome.errors[0].message  # a sentence for the person who fixes the file
    assert line_count() == 0
    assert db.session.scalar(select(func.count()).select_from(BudgetYearSummary)) == 0
    assert outcome.record.status is ImportStatus.FAILED
    assert outcome.record.error_count == 1
    assert outcome.record.errors == [outcome.errors[0].as_dict()]


def test_every_problem_of_a_file_is_reported_not_only_the_first(agybet: Any) -> None:
    data = csv_bytes(
        (AGYBET, 2025, "YEAR", "land_tax", 100, None, None),
        ("111111111", 2025, "Q9", "land_tax", -1, None, None),
        (AGYBET, 2025, "YEAR", "land_tax", 100, None, None),
        (AGYBET, 2025, "Q1", "no_such", None, None, "2.5"),
    )
    outcome = import_budget_file(data, "budget.csv", "tests")
    assert [(error.row, error.column, error.code) for error in outcome.errors] == [
        (3, "kato", ErrorCode.UNKNOWN_KATO),
        (3, "period", ErrorCode.BAD_PERIOD),
        (3, "approved", ErrorCode.NEGATIVE_AMOUNT),
        (4, "", ErrorCode.DUPLICATE_ROW),
        (5, "category", ErrorCode.UNKNOWN_CATEGORY),
        (5, "actual", ErrorCode.FRACTIONAL_AMOUNT),
    ]
    assert outcome.errors[3].message == (
        "The same rural district, year, period and category or functional group are "
        "already on row 2.")
    assert line_count() == 0


def test_header_problems_are_reported_on_row_one(agybet: Any) -> None:
    data = csv_bytes((AGYBET, 2025, "YEAR", "land_tax", 1, 2),
                     header="kato,year,period,category,approved,amount")
    outcome = import_budget_file(data, "budget.csv", "tests")
    assert {(error.row, error.code) for error in outcome.errors} == {
        (1, ErrorCode.UNKNOWN_COLUMN), (1, ErrorCode.MISSING_COLUMN)}
    assert {error.column for error in outcome.errors} == {"amount", "adjusted", "actual"}


def test_importing_the_same_file_again_changes_nothing(agybet: Any) -> None:
    data = csv_bytes(*VALID_ROWS)
    first = import_budget_file(data, "budget.csv", "tests")
    summary_before = db.session.get(BudgetYearSummary, (agybet.id, 2025))
    assert summary_before is not None
    before = (summary_before.plan_total, summary_before.actual_total)

    again = import_budget_file(data, "budget.csv", "tests")

    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (0, 0, 5)
    assert again.record.file_sha256 == first.record.file_sha256
    assert line_count() == 5
    db.session.expire_all()
    summary = db.session.get(BudgetYearSummary, (agybet.id, 2025))
    assert summary is not None and (summary.plan_total, summary.actual_total) == before
    assert db.session.scalar(select(func.count()).select_from(BudgetImport)) == 2


def test_a_changed_row_is_updated_and_an_empty_cell_keeps_the_stored_value(agybet: Any) -> None:
    import_budget_file(csv_bytes(*VALID_ROWS), "plan.csv", "tests")
    later = csv_bytes(
        (AGYBET, 2025, "YEAR", "land_tax", None, None, 1_150_000),  # the closed year's actual
        (AGYBET, 2025, "Q1", "land_tax", None, None, 100_000),  # as before
    )
    outcome = import_budget_file(later, "actuals.csv", "tests")

    assert (outcome.record.inserted, outcome.record.updated, outcome.record.unchanged) == (
        0, 1, 1)
    db.session.expire_all()
    plan = stored(AGYBET, 2025, PeriodKind.YEAR, 0, "land_tax")
    assert (plan.approved, plan.adjusted, plan.actual) == (1_000_000, 1_200_000, 1_150_000)
    summary = db.session.get(BudgetYearSummary, (agybet.id, 2025))
    assert summary is not None
    # The annual actual now comes from the YEAR row, not the quarters.
    assert summary.actual_own == 1_150_000 and summary.actual_through == 12


def test_ten_thousand_rows_import_and_reimport(agybet: Any) -> None:
    katos = [f"61369{index:02d}00" for index in range(34)]
    for kato in katos:
        RuralDistrictFactory(kato=kato)
    codes = [category.code for category in all_categories() if not category.valid_from_year]
    rows = []
    for kato in katos:
        for year in (2022, 2023, 2024, 2025):
            for period in ("YEAR", "Q1", "Q2", "Q3", "Q4"):
                for index, code in enumerate(codes):
                    rows.append((kato, year, period, code, None, None, 1_000 + index))
    rows = rows[:10_000]
    data = csv_bytes(*rows)

    started = time.perf_counter()
    outcome = import_budget_file(data, "big.csv", "tests")
    seconds = time.perf_counter() - started

    assert outcome.succeeded, outcome.errors[:3]
    assert outcome.record.inserted == 10_000 and line_count() == 10_000
    assert seconds < 30
    again = import_budget_file(data, "big.csv", "tests")
    assert (again.record.inserted, again.record.updated, again.record.unchanged) == (
        0, 0, 10_000)


def test_a_csv_with_a_byte_order_mark_and_semicolons(agybet: Any) -> None:
    data = csv_bytes(*VALID_ROWS, bom=True, delimiter=";")
    outcome = import_budget_file(data, "excel.csv", "tests")
    assert outcome.succeeded, outcome.errors
    assert outcome.record.inserted == 5


def test_amounts_may_group_thousands_with_spaces(agybet: Any) -> None:
    data = csv_bytes((AGYBET, 2025, "YEAR", "land_tax", "1 250 000", "1\u00a0300\u00a0000", None))
    assert import_budget_file(data, "budget.csv", "tests").succeeded
    line = stored(AGYBET, 2025, PeriodKind.YEAR, 0, "land_tax")
    assert (line.approved, line.adjusted) == (1_250_000, 1_300_000)


def test_a_windows_1251_csv_gets_a_clear_message_about_the_encoding(agybet: Any) -> None:
    # What Russian-locale Excel saves as "CSV": a note column with Cyrillic, in cp1251.
    text = ",".join(HEADER) + ",примечание\r\n" + f"{AGYBET},2025,YEAR,land_tax,100,,,Агыбет\r\n"
    data = text.encode("cp1251")

    outcome = import_budget_file(data, "budget.csv", "tests")

    assert not outcome.succeeded
    [error] = outcome.errors
    assert error.code is ErrorCode.NOT_UTF8 and error.row == 1
    assert "UTF-8" in error.message and "Windows-1251" in error.message
    assert line_count() == 0


@pytest.mark.parametrize(("data", "code"), [
    pytest.param(b"", ErrorCode.EMPTY_FILE, id="empty"),
    pytest.param(",".join(HEADER).encode() + b"\r\n", ErrorCode.NO_ROWS, id="header only"),
    pytest.param("\ufeffkato".encode("utf-16"), ErrorCode.UTF16, id="UTF-16"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ErrorCode.OLD_XLS, id="xls"),
    pytest.param(b"%PDF-1.7 ...", ErrorCode.NOT_A_TABLE, id="pdf"),
])
def test_unreadable_files_are_refused_with_a_reason(data: bytes, code: ErrorCode) -> None:
    outcome = import_budget_file(data, "budget", "tests")
    assert [error.code for error in outcome.errors] == [code]
    assert outcome.record.status is ImportStatus.FAILED


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    outcome = import_budget_file(buffer.getvalue(), "budget.xlsx", "tests")
    assert [error.code for error in outcome.errors] == [ErrorCode.BAD_XLSX]


def test_an_xlsx_workbook_is_imported(agybet: Any) -> None:
    data = xlsx_bytes(
        (AGYBET, 2025, "YEAR", "land_tax", 1_000_000, None, None),
        (int(AGYBET), 2025, "Q1", "land_tax", None, None, 250_000.0),  # numeric cells
        (AGYBET, 2025, "Q2", "land_tax", None, None, "300 000"),
    )
    outcome = import_budget_file(data, "budget.xlsx", "tests")
    assert outcome.succeeded, outcome.errors
    assert outcome.record.file_format == "xlsx"
    actual = stored(AGYBET, 2025, PeriodKind.QUARTER, 1, "land_tax").actual
    assert actual == 250_000 and type(actual) is int


def _rewritten(data: bytes, change: Any) -> bytes:
    """The workbook with each member passed through change(name, bytes)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, change(member.filename, source.read(member)))
    return out.getvalue()


def test_an_xlsx_whose_dimension_tag_lies_is_read_whole(agybet: Any) -> None:
    """openpyxl's read-only mode trusts <dimension>: a sheet claiming A1:G3 gave 2 of its 5
    rows, and the import said success."""
    honest = xlsx_bytes(*VALID_ROWS)
    sheet = "xl/worksheets/sheet1.xml"
    assert b'<dimension ref="A1:G6" />' in zipfile.ZipFile(BytesIO(honest)).read(sheet)
    lying = _rewritten(honest, lambda name, body: body.replace(
        b'<dimension ref="A1:G6" />', b'<dimension ref="A1:G3" />') if name == sheet else body)
    outcome = import_budget_file(lying, "budget.xlsx", "tests")
    assert outcome.succeeded, outcome.errors
    assert line_count() == len(VALID_ROWS)
    assert stored(AGYBET, 2025, PeriodKind.MONTH, 1, "subventions").actual == 400_000


def test_an_xlsx_that_unpacks_past_the_cap_is_refused_unopened(agybet: Any,
                                                                monkeypatch: Any) -> None:
    """A few hundred kB that unpack to more than MAX_XLSX_UNPACKED_BYTES: refused from the
    archive's directory, before openpyxl reads a byte of it."""
    from portal.budgets import files

    def never(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    padding = b"<!-- " + b" " * files.MAX_XLSX_UNPACKED_BYTES + b" -->"
    bomb = _rewritten(xlsx_bytes(*VALID_ROWS), lambda name, body: body + padding
                      if name == "xl/worksheets/sheet1.xml" else body)
    assert len(bomb) < 1024 * 1024 and files.MAX_XLSX_UNPACKED_BYTES <= 32 * 1024 * 1024
    outcome = import_budget_file(bomb, "budget.xlsx", "tests")
    assert [error.code for error in outcome.errors] == [ErrorCode.XLSX_TOO_LARGE]
    assert "unpacks to more than 32 MB" in outcome.errors[0].message
    assert line_count() == 0


def test_an_xlsx_fraction_is_refused_and_rows_are_numbered_as_in_excel(agybet: Any) -> None:
    data = xlsx_bytes(
        (AGYBET, 2025, "YEAR", "land_tax", 1_000_000, None, None),
        (AGYBET, 2025, "Q1", "land_tax", None, None, 1.5),
    )
    outcome = import_budget_file(data, "budget.xlsx", "tests")
    assert [(error.row, error.column, error.code) for error in outcome.errors] == [
        (3, "actual", ErrorCode.FRACTIONAL_AMOUNT)]


def test_another_rural_district_in_the_same_file(agybet: Any, other: Any) -> None:
    data = csv_bytes(
        (AGYBET, 2025, "YEAR", "land_tax", None, None, 100),
        (OTHER, 2025, "YEAR", "land_tax", None, None, 200),
    )
    assert import_budget_file(data, "budget.csv", "tests").succeeded
    totals = {rural_district_id: total for rural_district_id, total in db.session.execute(
        select(BudgetYearSummary.rural_district_id, BudgetYearSummary.actual_total))}
    assert totals == {agybet.id: 100, other.id: 200}
    # The maintained roll-ups follow in the same transaction.
    nation = area_budget(AreaLevel.NATION).year(2025)
    assert nation is not None and (nation.revenue, nation.rural_districts) == (300, 2)
    assert import_budget_file(csv_bytes((OTHER, 2025, "YEAR", "land_tax", None, None, 250)),
                              "fix.csv", "tests").succeeded
    nation = area_budget(AreaLevel.NATION).year(2025)
    assert nation is not None and nation.revenue == 350
