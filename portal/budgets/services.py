"""Importing budget files: validate every row, then upsert all of them or none.

Three kinds of file go through the same steps, told apart by their header (`FILE_KINDS`):
revenue lines, spending lines, and the maslikhat decisions behind each year. One call, one
transaction (the caller commits): line items synced, the file read and checked, rows
inserted or updated on their natural key, the yearly summaries of the touched rural
districts rebuilt (revenue), the import recorded in the history and the audit trail. A file
with any error writes nothing; its failed attempt is still kept in the history. Importing
the same file again changes nothing (0 inserted, 0 updated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import joinedload

from portal import audit, clock
from portal.budgets.categories import sync_categories, sync_functions
from portal.budgets.files import FileProblem, read_table
from portal.budgets.models import (
    BudgetCategory,
    BudgetDecision,
    BudgetFunction,
    BudgetImport,
    BudgetLine,
    BudgetSpendingLine,
    DecisionKind,
    ImportKind,
    ImportStatus,
)
from portal.budgets.summaries import refresh_year_summaries
from portal.budgets.validation import (
    COLUMNS,
    DECISION_COLUMNS,
    SPENDING_COLUMNS,
    CategoryRef,
    ErrorCode,
    ParsedDecision,
    ParsedLine,
    RowCheck,
    RowError,
    decision_rows,
    header_errors,
    revenue_rows,
    spending_rows,
    validate_rows,
)
from portal.extensions import db
from portal.geo.models import RuralDistrict

if TYPE_CHECKING:
    from portal.accounts.models import User

Progress = Callable[[int, int], None]
LINES = cast(Table, BudgetLine.__table__)
SPENDING_LINES = cast(Table, BudgetSpendingLine.__table__)
DECISIONS = cast(Table, BudgetDecision.__table__)
WRITE_CHUNK = 5_000
ERRORS_KEPT = 500  # errors stored with a failed import; the count is always complete
MAX_IN_FILTER = 900  # beyond this many rural districts, preload by year alone


@dataclass
class ImportOutcome:
    record: BudgetImport
    errors: list[RowError] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.record.status is ImportStatus.SUCCEEDED


Written = tuple[int, int, int]  # inserted, updated, unchanged


@dataclass(frozen=True)
class FileKind:
    """One kind of budget file: its columns, the column that tells it apart, how a row is
    checked (`checker(rural districts by KATO, max year)`) and how checked rows are written."""

    kind: ImportKind
    columns: tuple[str, ...]
    marker: str
    checker: Callable[[dict[str, int], int], RowCheck]
    write: Callable[[list[Any]], Written]
    duplicate: ErrorCode = ErrorCode.DUPLICATE_ROW


def _revenue_checker(rural_districts: dict[str, int], max_year: int) -> RowCheck:
    categories = {code.lower(): CategoryRef(item_id, valid_from) for code, item_id, valid_from
                  in db.session.execute(select(BudgetCategory.code, BudgetCategory.id,
                                               BudgetCategory.valid_from_year))}
    return revenue_rows(rural_districts, categories, max_year)


def _spending_checker(rural_districts: dict[str, int], max_year: int) -> RowCheck:
    functions = {code: CategoryRef(item_id, None) for code, item_id
                 in db.session.execute(select(BudgetFunction.code, BudgetFunction.id))}
    return spending_rows(rural_districts, functions, max_year)


def _decision_checker(rural_districts: dict[str, int], max_year: int) -> RowCheck:
    adopted = {(rural_district_id, year): number for rural_district_id, year, number
               in db.session.execute(select(DECISIONS.c.rural_district_id, DECISIONS.c.year,
                                            DECISIONS.c.number)
                                     .where(DECISIONS.c.kind == DecisionKind.ADOPTED))}
    return decision_rows(rural_districts, max_year, clock.today(), adopted)


def _write_revenue(lines: list[ParsedLine]) -> Written:
    inserted, updated, unchanged, touched = _upsert(LINES, "category_id", lines)
    refresh_year_summaries(touched)
    return inserted, updated, unchanged


def _write_spending(lines: list[ParsedLine]) -> Written:
    inserted, updated, unchanged, touched = _upsert(SPENDING_LINES, "function_id", lines)
    refresh_year_summaries(touched)  # the summaries carry the year's spending too
    return inserted, updated, unchanged


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind(ImportKind.REVENUE, COLUMNS, "category", _revenue_checker, _write_revenue),
    FileKind(ImportKind.SPENDING, SPENDING_COLUMNS, "function", _spending_checker,
             _write_spending),
    FileKind(ImportKind.DECISIONS, DECISION_COLUMNS, "decision_number", _decision_checker,
             lambda rows: _write_decisions(rows), ErrorCode.DUPLICATE_DECISION),
)


def file_kind(header: list[str]) -> FileKind:
    """The kind whose marker column the header names; a header naming none (or several)
    is checked as a revenue file, whose errors then name the columns it lacks."""
    found = [kind for kind in FILE_KINDS if kind.marker in header]
    return found[0] if len(found) == 1 else FILE_KINDS[0]


def import_budget_file(data: bytes, file_name: str, actor: User | str | None,
                       max_year: int | None = None,
                       progress: Progress | None = None) -> ImportOutcome:
    """Import a CSV or XLSX budget file (revenue, spending or decisions, told apart by the
    header). Flushes and audits; the caller commits.

    `progress(rows checked, rows in the file)` is called while rows are checked, before any
    budget line is written (a job commits it there, so all rows or none still holds)."""
    sha256 = hashlib.sha256(data).hexdigest()
    name = display_name(file_name)
    sync_categories(actor)
    sync_functions(actor)
    try:
        table = read_table(data)
    except FileProblem as problem:
        error = RowError(problem.row, "", ErrorCode(problem.code), problem.detail)
        return _failed(actor, name, sha256, "", ImportKind.REVENUE, 0, [error])
    kind = file_kind(table.header)
    positions, errors = header_errors(table.header, kind.columns)
    if errors:
        return _failed(actor, name, sha256, table.format, kind.kind, len(table.rows), errors)
    if not table.rows:
        return _failed(actor, name, sha256, table.format, kind.kind, 0,
                       [RowError(0, "", ErrorCode.NO_ROWS)])
    rural_districts: dict[str, int] = {
        kato: rural_district_id for kato, rural_district_id
        in db.session.execute(select(RuralDistrict.kato, RuralDistrict.id))}
    check_row = kind.checker(rural_districts, max_year or clock.today().year + 1)
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    lines, errors = validate_rows(
        table, positions, check_row,
        None if progress is None else (lambda checked: progress(checked, total)),
        kind.duplicate)
    if progress is not None:
        progress(total, total)
    if errors:
        return _failed(actor, name, sha256, table.format, kind.kind, len(table.rows), errors)
    inserted, updated, unchanged = kind.write(lines)
    record = BudgetImport(
        actor_id=getattr(actor, "id", None), actor_label=actor_label(actor),
        file_name=name, file_sha256=sha256, file_format=table.format, kind=kind.kind,
        status=ImportStatus.SUCCEEDED, row_count=len(lines), inserted=inserted,
        updated=updated, unchanged=unchanged, error_count=0, errors=None,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "budgets.import", record, None, {
        "file_sha256": sha256, "kind": kind.kind.value, "rows": len(lines),
        "inserted": inserted, "updated": updated, "unchanged": unchanged,
    })
    return ImportOutcome(record)


def actor_label(actor: User | str | None) -> str:
    if actor is None:
        return audit.SYSTEM_ACTOR
    return actor if isinstance(actor, str) else f"user:{actor.id}"


def display_name(file_name: str | None) -> str:
    """The uploaded name for the history: no directories, no control characters."""
    base = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if char.isprintable()).strip()
    return cleaned[:200] or "file"


def _failed(actor: User | str | None, name: str, sha256: str, file_format: str,
            kind: ImportKind, row_count: int, errors: list[RowError]) -> ImportOutcome:
    record = BudgetImport(
        actor_id=getattr(actor, "id", None), actor_label=actor_label(actor),
        file_name=name, file_sha256=sha256, file_format=file_format, kind=kind,
        status=ImportStatus.FAILED, row_count=row_count, inserted=0, updated=0, unchanged=0,
        error_count=len(errors), errors=[error.as_dict() for error in errors[:ERRORS_KEPT]],
    )
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "budgets.import_failed", record, None,
                 {"file_sha256": sha256, "errors": len(errors)})
    return ImportOutcome(record, errors)


Key = tuple[int, int, Any, int, int]


def _existing(table: Table, item_column: str, lines: list[ParsedLine]
              ) -> dict[Key, tuple[int, int | None, int | None, int | None]]:
    """Stored lines that the file's keys may hit, in one query."""
    years = sorted({line.year for line in lines})
    rural_district_ids = sorted({line.rural_district_id for line in lines})
    columns = table.c
    statement = select(columns.id, columns.rural_district_id, columns.year,
                       columns.period_kind, columns.period_number, columns[item_column],
                       columns.approved, columns.adjusted, columns.actual
                       ).where(columns.year.in_(years))
    if len(rural_district_ids) <= MAX_IN_FILTER:
        statement = statement.where(columns.rural_district_id.in_(rural_district_ids))
    found = {}
    for row in db.session.execute(statement):
        found[(row[1], row[2], row[3], row[4], row[5])] = (row[0], row[6], row[7], row[8])
    return found


def _upsert(table: Table, item_column: str, lines: list[ParsedLine]
            ) -> tuple[int, int, int, set[tuple[int, int]]]:
    """Insert new keys, update changed ones. An empty cell keeps the stored value."""
    existing = _existing(table, item_column, lines)
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    unchanged = 0
    touched: set[tuple[int, int]] = set()
    for line in lines:
        stored = existing.get(line.key)
        if stored is None:
            to_insert.append({
                "rural_district_id": line.rural_district_id, "year": line.year,
                "period_kind": line.period_kind, "period_number": line.period_number,
                item_column: line.item_id, "approved": line.approved,
                "adjusted": line.adjusted, "actual": line.actual,
            })
            touched.add((line.rural_district_id, line.year))
            continue
        line_id, approved, adjusted, actual = stored
        merged = (
            line.approved if line.approved is not None else approved,
            line.adjusted if line.adjusted is not None else adjusted,
            line.actual if line.actual is not None else actual,
        )
        if merged == (approved, adjusted, actual):
            unchanged += 1
            continue
        to_update.append({"line_id": line_id, "new_approved": merged[0],
                          "new_adjusted": merged[1], "new_actual": merged[2]})
        touched.add((line.rural_district_id, line.year))
    for start in range(0, len(to_insert), WRITE_CHUNK):
        db.session.execute(insert(table), to_insert[start:start + WRITE_CHUNK])
    if to_update:
        statement = (update(table).where(table.c.id == bindparam("line_id"))
                     .values(approved=bindparam("new_approved"),
                             adjusted=bindparam("new_adjusted"),
                             actual=bindparam("new_actual")))
        for start in range(0, len(to_update), WRITE_CHUNK):
            db.session.execute(statement, to_update[start:start + WRITE_CHUNK])
    return len(to_insert), len(to_update), unchanged, touched


def _write_decisions(decisions: list[ParsedDecision]) -> Written:
    """Insert new decisions, update a stored one whose kind, date or link changed."""
    rural_district_ids = sorted({decision.rural_district_id for decision in decisions})
    columns = DECISIONS.c
    statement = select(columns.id, columns.rural_district_id, columns.year, columns.number,
                       columns.kind, columns.decided_on, columns.url)
    if len(rural_district_ids) <= MAX_IN_FILTER:
        statement = statement.where(columns.rural_district_id.in_(rural_district_ids))
    existing = {(row[1], row[2], row[3]): (row[0], (row[4], row[5], row[6]))
                for row in db.session.execute(statement)}
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for decision in decisions:
        values = (decision.kind, decision.decided_on, decision.url)
        stored = existing.get(decision.key)
        if stored is None:
            to_insert.append({"rural_district_id": decision.rural_district_id,
                              "year": decision.year, "number": decision.number,
                              "kind": decision.kind, "decided_on": decision.decided_on,
                              "url": decision.url})
        elif stored[1] != values:
            to_update.append({"decision_id": stored[0], "new_kind": decision.kind,
                              "new_decided_on": decision.decided_on, "new_url": decision.url})
    if to_insert:
        db.session.execute(insert(DECISIONS), to_insert)
    if to_update:
        db.session.execute(
            update(DECISIONS).where(columns.id == bindparam("decision_id"))
            .values(kind=bindparam("new_kind"), decided_on=bindparam("new_decided_on"),
                    url=bindparam("new_url")), to_update)
    return len(to_insert), len(to_update), len(decisions) - len(to_insert) - len(to_update)


def recent_imports(limit: int = 20) -> list[BudgetImport]:
    return list(db.session.scalars(
        select(BudgetImport).options(joinedload(BudgetImport.actor))
        .order_by(BudgetImport.imported_at.desc(), BudgetImport.id.desc()).limit(limit)
    ))
