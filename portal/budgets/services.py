"""Importing budget files: validate every row, then upsert all of them or none.

One call, one transaction (the caller commits): categories synced, the file read and
checked, lines inserted or updated on their natural key, the yearly summaries of the touched
rural districts rebuilt, the import recorded in the history and the audit trail. A file
with any error writes no budget line; its failed attempt is still kept in the history.
Importing the same file again changes nothing (0 inserted, 0 updated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import joinedload

from portal import audit, clock
from portal.budgets.categories import sync_categories
from portal.budgets.files import FileProblem, read_table
from portal.budgets.models import BudgetCategory, BudgetImport, BudgetLine, ImportStatus
from portal.budgets.summaries import refresh_year_summaries
from portal.budgets.validation import (
    CategoryRef,
    ErrorCode,
    ParsedLine,
    RowError,
    header_errors,
    validate_rows,
)
from portal.extensions import db
from portal.geo.models import RuralDistrict

if TYPE_CHECKING:
    from portal.accounts.models import User

Progress = Callable[[int, int], None]
LINES = cast(Table, BudgetLine.__table__)
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


def import_budget_file(data: bytes, file_name: str, actor: User | str | None,
                       max_year: int | None = None,
                       progress: Progress | None = None) -> ImportOutcome:
    """Import a CSV or XLSX budget file. Flushes and audits; the caller commits.

    `progress(rows checked, rows in the file)` is called while rows are checked, before any
    budget line is written (a job commits it there, so all rows or none still holds)."""
    sha256 = hashlib.sha256(data).hexdigest()
    name = display_name(file_name)
    sync_categories(actor)
    try:
        table = read_table(data)
    except FileProblem as problem:
        error = RowError(problem.row, "", ErrorCode(problem.code), problem.detail)
        return _failed(actor, name, sha256, "", 0, [error])
    positions, errors = header_errors(table.header)
    if errors:
        return _failed(actor, name, sha256, table.format, len(table.rows), errors)
    if not table.rows:
        return _failed(actor, name, sha256, table.format, 0,
                       [RowError(0, "", ErrorCode.NO_ROWS)])
    rural_districts: dict[str, int] = {
        kato: rural_district_id for kato, rural_district_id
        in db.session.execute(select(RuralDistrict.kato, RuralDistrict.id))}
    categories = {code: CategoryRef(category_id, valid_from) for code, category_id, valid_from
                  in db.session.execute(select(BudgetCategory.code, BudgetCategory.id,
                                               BudgetCategory.valid_from_year))}
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    lines, errors = validate_rows(
        table, positions, rural_districts, categories, max_year or clock.today().year + 1,
        None if progress is None else (lambda checked: progress(checked, total)))
    if progress is not None:
        progress(total, total)
    if errors:
        return _failed(actor, name, sha256, table.format, len(table.rows), errors)
    inserted, updated, unchanged, touched = _upsert(lines)
    refresh_year_summaries(touched)
    record = BudgetImport(
        actor_id=getattr(actor, "id", None), actor_label=actor_label(actor),
        file_name=name, file_sha256=sha256, file_format=table.format,
        status=ImportStatus.SUCCEEDED, row_count=len(lines), inserted=inserted,
        updated=updated, unchanged=unchanged, error_count=0, errors=None,
    )
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "budgets.import", record, None, {
        "file_sha256": sha256, "rows": len(lines), "inserted": inserted, "updated": updated,
        "unchanged": unchanged,
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
            row_count: int, errors: list[RowError]) -> ImportOutcome:
    record = BudgetImport(
        actor_id=getattr(actor, "id", None), actor_label=actor_label(actor),
        file_name=name, file_sha256=sha256, file_format=file_format,
        status=ImportStatus.FAILED, row_count=row_count, inserted=0, updated=0, unchanged=0,
        error_count=len(errors), errors=[error.as_dict() for error in errors[:ERRORS_KEPT]],
    )
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "budgets.import_failed", record, None,
                 {"file_sha256": sha256, "errors": len(errors)})
    return ImportOutcome(record, errors)


Key = tuple[int, int, Any, int, int]


def _existing(lines: list[ParsedLine]) -> dict[Key, tuple[int, int | None, int | None,
                                                           int | None]]:
    """Stored lines that the file's keys may hit, in one query per chunk of years."""
    years = sorted({line.year for line in lines})
    rural_district_ids = sorted({line.rural_district_id for line in lines})
    statement = select(LINES.c.id, LINES.c.rural_district_id, LINES.c.year,
                       LINES.c.period_kind, LINES.c.period_number, LINES.c.category_id,
                       LINES.c.approved, LINES.c.adjusted, LINES.c.actual
                       ).where(LINES.c.year.in_(years))
    if len(rural_district_ids) <= MAX_IN_FILTER:
        statement = statement.where(LINES.c.rural_district_id.in_(rural_district_ids))
    found = {}
    for row in db.session.execute(statement):
        found[(row[1], row[2], row[3], row[4], row[5])] = (row[0], row[6], row[7], row[8])
    return found


def _upsert(lines: list[ParsedLine]) -> tuple[int, int, int, set[tuple[int, int]]]:
    """Insert new keys, update changed ones. An empty cell keeps the stored value."""
    existing = _existing(lines)
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
                "category_id": line.category_id, "approved": line.approved,
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
        db.session.execute(insert(LINES), to_insert[start:start + WRITE_CHUNK])
    if to_update:
        statement = (update(LINES).where(LINES.c.id == bindparam("line_id"))
                     .values(approved=bindparam("new_approved"),
                             adjusted=bindparam("new_adjusted"),
                             actual=bindparam("new_actual")))
        for start in range(0, len(to_update), WRITE_CHUNK):
            db.session.execute(statement, to_update[start:start + WRITE_CHUNK])
    return len(to_insert), len(to_update), unchanged, touched


def recent_imports(limit: int = 20) -> list[BudgetImport]:
    return list(db.session.scalars(
        select(BudgetImport).options(joinedload(BudgetImport.actor))
        .order_by(BudgetImport.imported_at.desc(), BudgetImport.id.desc()).limit(limit)
    ))
