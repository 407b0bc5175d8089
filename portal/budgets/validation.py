"""Checking every row of a budget file: each problem becomes a (row, column, reason) error.

Three kinds of file share the checks: revenue lines (a category per row), spending lines (a
functional group per row) and the maslikhat decisions behind each year. Nothing is written
here. The importer writes only when this finds no error at all. Amounts are parsed as int
from text or from exact Decimal cells: no float on the way.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.budgets.files import Cell, TableFile
from portal.budgets.models import DecisionKind, PeriodKind

COLUMNS = ("kato", "year", "period", "category", "approved", "adjusted", "actual")
SPENDING_COLUMNS = ("kato", "year", "period", "function", "approved", "adjusted", "actual")
DECISION_COLUMNS = ("kato", "year", "kind", "decision_number", "decided_on", "url")
AMOUNT_COLUMNS = ("approved", "adjusted", "actual")
MAX_DECISION_NUMBER = 40
MAX_URL = 500
FIRST_YEAR = 2018  # fourth-level budgets were introduced in 2018
MAX_AMOUNT = 10**15 - 1  # a quadrillion tenge: far beyond any rural budget, well inside BIGINT
DETAIL_LENGTH = 60
PROGRESS_EVERY = 2_000  # rows between two progress reports of a queued import

_PERIOD = re.compile(r"^(?:(YEAR)|Q([1-4])|M(0?[1-9]|1[0-2]))$")
_DIGITS = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d+[.,]\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00)?$")  # XLSX date cells end so
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$", re.IGNORECASE)
# Spaces people put between thousands: ordinary, no-break, narrow no-break, thin.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")


class ErrorCode(enum.StrEnum):
    # The file as a whole.
    EMPTY_FILE = "empty_file"
    NO_ROWS = "no_rows"
    NOT_UTF8 = "not_utf8"
    UTF16 = "utf16"
    OLD_XLS = "old_xls"
    BAD_XLSX = "bad_xlsx"
    XLSX_TOO_LARGE = "xlsx_too_large"
    BAD_CSV = "bad_csv"
    NOT_A_TABLE = "not_a_table"
    TOO_MANY_ROWS = "too_many_rows"
    # The header row.
    MISSING_COLUMN = "missing_column"
    UNKNOWN_COLUMN = "unknown_column"
    DUPLICATE_COLUMN = "duplicate_column"
    # A cell or a row.
    MISSING_VALUE = "missing_value"
    BAD_KATO = "bad_kato"
    UNKNOWN_KATO = "unknown_kato"
    BAD_YEAR = "bad_year"
    BAD_PERIOD = "bad_period"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_FUNCTION = "unknown_function"
    CATEGORY_NOT_IN_FORCE = "category_not_in_force"
    BAD_AMOUNT = "bad_amount"
    NEGATIVE_AMOUNT = "negative_amount"
    FRACTIONAL_AMOUNT = "fractional_amount"
    AMOUNT_TOO_LARGE = "amount_too_large"
    NO_AMOUNT = "no_amount"
    DUPLICATE_ROW = "duplicate_row"
    DUPLICATE_DECISION = "duplicate_decision"
    # A decision row.
    BAD_DECISION_KIND = "bad_decision_kind"
    BAD_DECISION_NUMBER = "bad_decision_number"
    BAD_DATE = "bad_date"
    DATE_OUTSIDE_YEAR = "date_outside_year"
    BAD_URL = "bad_url"
    ADOPTED_TWICE = "adopted_twice"


MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.EMPTY_FILE: _l("The file is empty."),
    ErrorCode.NO_ROWS: _l("The file has a header row but no data rows."),
    ErrorCode.NOT_UTF8: _l(
        "The file is not UTF-8 text: this line has characters in another encoding, such as "
        "Windows-1251. In Excel choose “Save as” → “CSV UTF-8 (comma delimited)”, or save "
        "as XLSX, and upload it again."),
    ErrorCode.UTF16: _l(
        "The file is UTF-16 text (Excel's “Unicode text”). Save it as “CSV UTF-8” or as "
        "XLSX and upload it again."),
    ErrorCode.OLD_XLS: _l(
        "This is an old Excel workbook (.xls). Save it as .xlsx or as “CSV UTF-8” and "
        "upload it again."),
    ErrorCode.BAD_XLSX: _l("The file is an archive but cannot be read as an XLSX workbook."),
    ErrorCode.XLSX_TOO_LARGE: _l("The workbook unpacks to more than %(value)s MB. Save it as "
                                 "“CSV UTF-8”, or split it into several files."),
    ErrorCode.BAD_CSV: _l("The CSV text is malformed here (for example, a quote is not closed)."),
    ErrorCode.NOT_A_TABLE: _l("This file is not a CSV or XLSX table."),
    ErrorCode.TOO_MANY_ROWS: _l("The file has more than %(value)s rows. Split it into "
                                "several files."),
    ErrorCode.MISSING_COLUMN: _l("The required column “%(value)s” is missing from the "
                                 "header row."),
    ErrorCode.UNKNOWN_COLUMN: _l("Unknown column “%(value)s”. The columns are those of the "
                                 "template for this kind of file."),
    ErrorCode.DUPLICATE_COLUMN: _l("The column “%(value)s” appears more than once."),
    ErrorCode.MISSING_VALUE: _l("This cell is empty, but it is required."),
    ErrorCode.BAD_KATO: _l("“%(value)s” is not a KATO code: a rural district's code has "
                           "9 digits."),
    ErrorCode.UNKNOWN_KATO: _l("Unknown KATO code %(value)s: no rural district has it."),
    ErrorCode.BAD_YEAR: _l("“%(value)s” is not a fiscal year from 2018 to next year."),
    ErrorCode.BAD_PERIOD: _l("“%(value)s” is not a period. Write YEAR, Q1 to Q4, or M01 "
                             "to M12."),
    ErrorCode.UNKNOWN_CATEGORY: _l("Unknown category “%(value)s”. Use a code from the list "
                                   "of categories."),
    ErrorCode.UNKNOWN_FUNCTION: _l("Unknown functional group “%(value)s”. Use a code from "
                                   "the list of functional groups."),
    ErrorCode.CATEGORY_NOT_IN_FORCE: _l("This category applies only from %(value)s."),
    ErrorCode.BAD_AMOUNT: _l("“%(value)s” is not an amount. Write whole tenge in digits, "
                             "for example 1250000 (spaces between thousands are fine)."),
    ErrorCode.NEGATIVE_AMOUNT: _l("The amount %(value)s is negative; amounts are zero or "
                                  "more."),
    ErrorCode.FRACTIONAL_AMOUNT: _l("The amount %(value)s has a fractional part; write "
                                    "whole tenge."),
    ErrorCode.AMOUNT_TOO_LARGE: _l("The amount %(value)s is too large for a rural "
                                   "district's budget."),
    ErrorCode.NO_AMOUNT: _l("The row has no amount: fill in at least one of approved, "
                            "adjusted and actual."),
    ErrorCode.DUPLICATE_ROW: _l("The same rural district, year, period and category or "
                                "functional group are already on row %(value)s."),
    ErrorCode.DUPLICATE_DECISION: _l("The same decision of this rural district and year is "
                                     "already on row %(value)s."),
    ErrorCode.BAD_DECISION_KIND: _l("“%(value)s” is not a kind of decision. Write adopted or "
                                    "amending."),
    ErrorCode.BAD_DECISION_NUMBER: _l("The decision number “%(value)s” is longer than 40 "
                                      "characters."),
    ErrorCode.BAD_DATE: _l("“%(value)s” is not a date. Write it as 2024-12-25 or "
                           "25.12.2024."),
    ErrorCode.DATE_OUTSIDE_YEAR: _l("A decision of %(value)s cannot adopt or amend this "
                                    "year's budget: it must be dated in that year or the "
                                    "year before, and not in the future."),
    ErrorCode.BAD_URL: _l("“%(value)s” is not a web link. Give the decision's address, "
                          "starting with https://."),
    ErrorCode.ADOPTED_TWICE: _l("This rural district's budget for the year was already "
                                "adopted by decision No. %(value)s; mark later decisions as "
                                "amending."),
}


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (0: the file), the column (empty: the whole row)."""

    row: int
    column: str
    code: ErrorCode
    detail: str = ""

    @property
    def message(self) -> str:
        template = str(MESSAGES[self.code])
        return template % {"value": self.detail} if "%(value)s" in template else template

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code.value,
                "detail": self.detail}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RowError:
        return cls(int(values["row"]), str(values["column"]), ErrorCode(values["code"]),
                   str(values.get("detail", "")))


@dataclass(frozen=True, slots=True)
class ParsedLine:
    row: int
    rural_district_id: int
    year: int
    period_kind: PeriodKind
    period_number: int
    item_id: int  # the revenue category or the spending function
    approved: int | None
    adjusted: int | None
    actual: int | None

    @property
    def key(self) -> tuple[int, int, PeriodKind, int, int]:
        return (self.rural_district_id, self.year, self.period_kind, self.period_number,
                self.item_id)


@dataclass(frozen=True, slots=True)
class ParsedDecision:
    row: int
    rural_district_id: int
    year: int
    kind: DecisionKind
    number: str
    decided_on: date
    url: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.rural_district_id, self.year, self.number)


@dataclass(frozen=True)
class CategoryRef:
    """A line item a row may name: a revenue category or a spending function."""

    id: int
    valid_from_year: int | None


# A row's check: (spreadsheet row, cells by column) → (a parsed row with a `key`, or None;
# the row's errors). Duplicates within a file are found on the key.
RowCheck = Callable[[int, Mapping[str, Cell]], tuple[Any, list[RowError]]]


class _CellProblem(Exception):
    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail[:DETAIL_LENGTH]


def header_errors(header: list[str], columns: tuple[str, ...] = COLUMNS
                  ) -> tuple[dict[str, int], list[RowError]]:
    """Column positions by name, and the header's errors (row 1)."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(header):
        if name == "":
            continue
        if name not in columns:
            errors.append(RowError(1, name[:DETAIL_LENGTH], ErrorCode.UNKNOWN_COLUMN,
                                   name[:DETAIL_LENGTH]))
        elif name in positions:
            errors.append(RowError(1, name, ErrorCode.DUPLICATE_COLUMN, name))
        else:
            positions[name] = index
    for name in columns:
        if name not in positions:
            errors.append(RowError(1, name, ErrorCode.MISSING_COLUMN, name))
    return positions, errors


def validate_rows(
    table: TableFile,
    positions: Mapping[str, int],
    check_row: RowCheck,
    progress: Callable[[int], None] | None = None,
    duplicate: ErrorCode = ErrorCode.DUPLICATE_ROW,
) -> tuple[list[Any], list[RowError]]:
    """Every row checked by `check_row`; every problem reported, and a key met twice. Lines
    are returned only for a clean file. `progress(rows checked)` is called every
    PROGRESS_EVERY rows (a job reports it)."""
    lines: list[Any] = []
    errors: list[RowError] = []
    first_row_of: dict[Hashable, int] = {}
    for checked, (row_number, cells) in enumerate(table.rows):
        if progress is not None and checked and checked % PROGRESS_EVERY == 0:
            progress(checked)
        values = {name: (cells[index] if index < len(cells) else None)
                  for name, index in positions.items()}
        line, row_errors = check_row(row_number, values)
        if line is None:
            errors.extend(row_errors)
            continue
        first = first_row_of.setdefault(line.key, row_number)
        if first != row_number:
            errors.append(RowError(row_number, "", duplicate, str(first)))
            continue
        lines.append(line)
    return (lines if not errors else []), errors


class _RowChecker:
    """Parses a row's cells one by one, keeping every problem rather than the first."""

    def __init__(self, row_number: int, values: Mapping[str, Cell]) -> None:
        self.row_number = row_number
        self.values = values
        self.errors: list[RowError] = []

    def check(self, column: str, parse: Any, *args: Any) -> Any:
        try:
            return parse(self.values[column], *args)
        except _CellProblem as problem:
            self.errors.append(RowError(self.row_number, column, problem.code, problem.detail))
            return None


def revenue_rows(rural_districts: Mapping[str, int], categories: Mapping[str, CategoryRef],
                 max_year: int) -> RowCheck:
    """The check of a revenue row: a category code (case-insensitive) names the line."""
    def item(value: Cell) -> CategoryRef:
        return _item(value, categories, lambda text: text.lower(), ErrorCode.UNKNOWN_CATEGORY)

    return lambda row, values: _amount_row(row, values, rural_districts, "category", item,
                                           max_year)


def spending_rows(rural_districts: Mapping[str, int], functions: Mapping[str, CategoryRef],
                  max_year: int) -> RowCheck:
    """The check of a spending row: a functional group's two-digit code names the line; a
    spreadsheet that dropped the leading zero ("7" for "07") is read the same."""
    def item(value: Cell) -> CategoryRef:
        return _item(value, functions, function_code, ErrorCode.UNKNOWN_FUNCTION)

    return lambda row, values: _amount_row(row, values, rural_districts, "function", item,
                                           max_year)


def function_code(text: str) -> str:
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def _amount_row(
    row_number: int,
    values: Mapping[str, Cell],
    rural_districts: Mapping[str, int],
    item_column: str,
    parse_item: Callable[[Cell], CategoryRef],
    max_year: int,
) -> tuple[ParsedLine | None, list[RowError]]:
    checker = _RowChecker(row_number, values)
    rural_district_id = checker.check("kato", _kato, rural_districts)
    year = checker.check("year", _year, max_year)
    period = checker.check("period", _period)
    item = checker.check(item_column, parse_item)
    amounts = [checker.check(column, parse_amount) for column in AMOUNT_COLUMNS]
    if item is not None and year is not None and item.valid_from_year \
            and year < item.valid_from_year:
        checker.errors.append(RowError(row_number, item_column, ErrorCode.CATEGORY_NOT_IN_FORCE,
                                       str(item.valid_from_year)))
    if not checker.errors and all(amount is None for amount in amounts):
        checker.errors.append(RowError(row_number, "", ErrorCode.NO_AMOUNT))
    if checker.errors:
        return None, checker.errors
    return ParsedLine(row_number, rural_district_id, year, period[0], period[1], item.id,
                      amounts[0], amounts[1], amounts[2]), []


def decision_rows(rural_districts: Mapping[str, int], max_year: int, today: date,
                  adopted: Mapping[tuple[int, int], str]) -> RowCheck:
    """The check of a decision row. `adopted` holds the stored adopting decision's number per
    (rural district, year): a file may repeat it but not name a second one. Two adopting
    decisions for the same year within the file are refused as well."""
    adopted_in_file: dict[tuple[int, int], str] = {}

    def check(row_number: int, values: Mapping[str, Cell]
              ) -> tuple[ParsedDecision | None, list[RowError]]:
        checker = _RowChecker(row_number, values)
        rural_district_id = checker.check("kato", _kato, rural_districts)
        year = checker.check("year", _year, max_year)
        kind = checker.check("kind", _decision_kind)
        number = checker.check("decision_number", _decision_number)
        decided_on = checker.check("decided_on", _date)
        url = checker.check("url", _url)
        if year is not None and decided_on is not None \
                and not (year - 1 <= decided_on.year <= year and decided_on <= today):
            checker.errors.append(RowError(row_number, "decided_on",
                                           ErrorCode.DATE_OUTSIDE_YEAR, decided_on.isoformat()))
        if checker.errors:
            return None, checker.errors
        if kind is DecisionKind.ADOPTED:
            place = (rural_district_id, year)
            first = adopted.get(place) or adopted_in_file.setdefault(place, number)
            if first != number:
                return None, [RowError(row_number, "decision_number", ErrorCode.ADOPTED_TWICE,
                                       first)]
        return ParsedDecision(row_number, rural_district_id, year, kind, number, decided_on,
                              url), []

    return check


# --------------------------------------------------------------------------- cells

def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _required(value: Cell) -> str:
    text = _text(value)
    if text == "":
        raise _CellProblem(ErrorCode.MISSING_VALUE)
    return text


def _whole_number(value: Cell) -> int | None:
    """A whole number from an int, an integral Decimal or digits; None otherwise."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            return None
        return int(value)
    text = _text(value)
    return int(text) if _DIGITS.match(text) else None


def _kato(value: Cell, rural_districts: Mapping[str, int]) -> int:
    text = _required(value)
    code = text
    if isinstance(value, int | Decimal):  # a numeric spreadsheet cell
        number = _whole_number(value)
        code = str(number) if number is not None else text
    if len(code) != 9 or not code.isdigit():
        raise _CellProblem(ErrorCode.BAD_KATO, text)
    if code not in rural_districts:
        raise _CellProblem(ErrorCode.UNKNOWN_KATO, code)
    return rural_districts[code]


def _year(value: Cell, max_year: int) -> int:
    text = _required(value)
    year = _whole_number(value)
    if year is None or not FIRST_YEAR <= year <= max_year:
        raise _CellProblem(ErrorCode.BAD_YEAR, text)
    return year


def parse_period(text: str) -> tuple[PeriodKind, int] | None:
    """'YEAR' → (year, 0); 'Q3' → (quarter, 3); 'M07' or 'M7' → (month, 7)."""
    match = _PERIOD.match(text.strip().upper())
    if match is None:
        return None
    if match.group(1):
        return PeriodKind.YEAR, 0
    if match.group(2):
        return PeriodKind.QUARTER, int(match.group(2))
    return PeriodKind.MONTH, int(match.group(3))


def period_label(kind: PeriodKind, number: int) -> str:
    """The file's spelling of a period: YEAR, Q1..Q4, M01..M12."""
    if kind is PeriodKind.YEAR:
        return "YEAR"
    if kind is PeriodKind.QUARTER:
        return f"Q{number}"
    return f"M{number:02d}"


def _period(value: Cell) -> tuple[PeriodKind, int]:
    text = _required(value)
    period = parse_period(text)
    if period is None:
        raise _CellProblem(ErrorCode.BAD_PERIOD, text)
    return period


def _item(value: Cell, items: Mapping[str, CategoryRef], normalise: Callable[[str], str],
          unknown: ErrorCode) -> CategoryRef:
    text = _required(value)
    if isinstance(value, int | Decimal):  # a numeric spreadsheet cell: 7 for "07"
        number = _whole_number(value)
        text = str(number) if number is not None else text
    item = items.get(normalise(text))
    if item is None:
        raise _CellProblem(unknown, text)
    return item


def _decision_kind(value: Cell) -> DecisionKind:
    text = _required(value)
    try:
        return DecisionKind(text.lower())
    except ValueError:
        raise _CellProblem(ErrorCode.BAD_DECISION_KIND, text) from None


def _decision_number(value: Cell) -> str:
    text = " ".join(_required(value).split())
    if text.startswith("№"):
        text = text[1:].strip()
    if len(text) > MAX_DECISION_NUMBER:
        raise _CellProblem(ErrorCode.BAD_DECISION_NUMBER, text)
    return text


def _date(value: Cell) -> date:
    text = _required(value)
    match = _ISO_DATE.match(text)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None and (dotted := _DOTTED_DATE.match(text)):
        parts = (dotted.group(3), dotted.group(2), dotted.group(1))
    try:
        if parts is None:
            raise ValueError(text)
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise _CellProblem(ErrorCode.BAD_DATE, text) from None


def _url(value: Cell) -> str:
    text = _required(value)
    if len(text) > MAX_URL or not _URL.match(text):
        raise _CellProblem(ErrorCode.BAD_URL, text)
    return text


def parse_amount(value: Cell) -> int | None:
    """Whole tenge, or None for an empty cell. Refuses fractions, negatives and separators
    that could be read two ways ('1,000' or '1.000' might be a thousand or one)."""
    if value is None:
        return None
    if isinstance(value, int):
        number = value
        text = str(value)
    elif isinstance(value, Decimal):
        text = format(value, "f")
        if not value.is_finite():
            raise _CellProblem(ErrorCode.BAD_AMOUNT, text)
        if value != value.to_integral_value():
            raise _CellProblem(ErrorCode.FRACTIONAL_AMOUNT, text)
        number = int(value)
    else:
        text = str(value).strip()
        if text == "":
            return None
        compact = text.translate(_GROUPING)
        if _DIGITS.match(compact):
            number = int(compact)
        elif _DECIMAL.match(compact):
            fraction = Decimal(compact.replace(",", "."))
            if fraction != fraction.to_integral_value():
                raise _CellProblem(ErrorCode.FRACTIONAL_AMOUNT, text)
            raise _CellProblem(ErrorCode.BAD_AMOUNT, text)
        else:
            raise _CellProblem(ErrorCode.BAD_AMOUNT, text)
    if number < 0:
        raise _CellProblem(ErrorCode.NEGATIVE_AMOUNT, text)
    if number > MAX_AMOUNT:
        raise _CellProblem(ErrorCode.AMOUNT_TOO_LARGE, text)
    return number
