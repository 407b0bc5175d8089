"""The line items are data: revenue categories in `budgets/data/categories.csv`, spending
functions (functional groups of the unified budget classification) in
`budgets/data/functions.csv`, both synced into the database.

`sync_categories()` is idempotent. It runs from the seed, from `flask budgets categories`, and
at the start of every import, so a fresh install can import right after `flask geo load`.
It adds new codes and updates changed ones; it never deletes a code (budget lines refer to
it), so retiring a line means leaving it in the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from portal import audit
from portal.budgets.models import BudgetCategory, BudgetFunction, RevenueSection
from portal.extensions import db

if TYPE_CHECKING:
    from portal.accounts.models import User

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.csv"
FUNCTIONS_FILE = Path(__file__).parent / "data" / "functions.csv"
FUNCTION_FIELDS = ("sort_order", "name_kk", "name_ru", "name_en")
FIELDS = ("section", "is_own_revenue", "confirmed", "valid_from_year", "sort_order",
          "name_kk", "name_ru", "name_en")


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int


def _yes(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"categories.csv: expected yes or no, got {value!r}")
    return value == "yes"


def read_category_file(path: Path = CATEGORIES_FILE) -> list[dict[str, object]]:
    """The file's rows as column values; raises ValueError on a malformed file."""
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            section = RevenueSection(row["section"])
            own = _yes(row["own_revenue"])
            if own == (section is RevenueSection.TRANSFERS):
                # The portal's definition: own revenue is everything but transfers.
                raise ValueError(f"categories.csv: {row['code']}: own_revenue contradicts section")
            rows.append({
                "code": row["code"].strip(),
                "section": section,
                "is_own_revenue": own,
                "confirmed": _yes(row["confirmed"]),
                "valid_from_year": int(row["valid_from_year"]) if row["valid_from_year"] else None,
                "sort_order": int(row["sort_order"]),
                "name_kk": row["name_kk"].strip(),
                "name_ru": row["name_ru"].strip(),
                "name_en": row["name_en"].strip(),
            })
    return rows


def sync_categories(actor: User | str | None = None) -> SyncResult:
    """Bring the category table in line with the file. Flushes and audits; never commits."""
    existing = {category.code: category for category in db.session.scalars(select(BudgetCategory))}
    added = updated = 0
    for row in read_category_file():
        category = existing.get(str(row["code"]))
        if category is None:
            db.session.add(BudgetCategory(**row))
            added += 1
            continue
        before = {field: getattr(category, field) for field in FIELDS}
        after = {field: row[field] for field in FIELDS}
        if before != after:
            for field, value in after.items():
                setattr(category, field, value)
            updated += 1
    if added or updated:
        db.session.flush()
        audit.record(actor, "budgets.categories_sync", None, None,
                     {"added": added, "updated": updated})
    return SyncResult(added, updated)


def categories_by_code() -> dict[str, BudgetCategory]:
    return {category.code: category
            for category in db.session.scalars(select(BudgetCategory))}


def all_categories() -> list[BudgetCategory]:
    return list(db.session.scalars(
        select(BudgetCategory).order_by(BudgetCategory.sort_order, BudgetCategory.code)
    ))


def read_function_file(path: Path = FUNCTIONS_FILE) -> list[dict[str, object]]:
    """The functional groups as column values; raises ValueError on a malformed file."""
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip()
            if len(code) != 2 or not code.isdigit():
                raise ValueError(f"functions.csv: {code!r} is not a two-digit group code")
            rows.append({"code": code, "sort_order": int(row["sort_order"]),
                         **{name: row[name].strip() for name in FUNCTION_FIELDS[1:]}})
    return rows


def sync_functions(actor: User | str | None = None) -> SyncResult:
    """Bring the function table in line with its file, as `sync_categories` does."""
    existing = {item.code: item for item in db.session.scalars(select(BudgetFunction))}
    added = updated = 0
    for row in read_function_file():
        item = existing.get(str(row["code"]))
        if item is None:
            db.session.add(BudgetFunction(**row))
            added += 1
            continue
        if any(getattr(item, name) != row[name] for name in FUNCTION_FIELDS):
            for name in FUNCTION_FIELDS:
                setattr(item, name, row[name])
            updated += 1
    if added or updated:
        db.session.flush()
        audit.record(actor, "budgets.functions_sync", None, None,
                     {"added": added, "updated": updated})
    return SyncResult(added, updated)


def all_functions() -> list[BudgetFunction]:
    return list(db.session.scalars(
        select(BudgetFunction).order_by(BudgetFunction.sort_order, BudgetFunction.code)))

