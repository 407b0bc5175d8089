"""What seed steps share: the scale, seeded randomness, the reference date, handles to rows."""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from portal.extensions import db
from portal.geo.models import UnitKind

DATA_DIR = Path(__file__).parent / "data"
CHUNK = 5_000


class Scale(enum.StrEnum):
    DEMO = "demo"
    NATIONAL = "national"


@dataclass
class RuralDistrictSeed:
    id: int
    kato: str
    district_id: int
    population: int
    registered_voters: int
    settlement_ids: list[int] = field(default_factory=list)
    kind: UnitKind = UnitKind.RURAL_DISTRICT
    region: str = ""  # the region's two-digit KATO code


@dataclass
class TermSeed:
    id: int
    akim_id: int
    rural_district_id: int
    elected_on: date
    starts_on: date
    ends_on: date
    ended_on: date | None
    serving: bool
    end_reason: str | None = None  # a TermEndReason value once ended
    end_record: str | None = None  # the act recording it, for the reasons that need one

    @property
    def last_day(self) -> date:
        return self.ended_on or self.ends_on


@dataclass
class DemoHandles:
    """Rows the demo accounts and every feature showcase hang on (demo scale only)."""

    akim_term_id: int | None = None
    akim2_term_id: int | None = None
    citizen_user_id: int | None = None
    visitor_user_id: int | None = None
    user_ids: dict[str, int] = field(default_factory=dict)


@dataclass
class SeedContext:
    scale: Scale
    seed: int
    as_of: date
    progress: Callable[[str], None] = lambda _message: None
    rural_districts: list[RuralDistrictSeed] = field(default_factory=list)
    terms: list[TermSeed] = field(default_factory=list)
    demo: DemoHandles = field(default_factory=DemoHandles)
    # Verified residents per rural district id: the people who may rate and sign.
    residents: dict[int, list[int]] = field(default_factory=dict)
    _next_ids: dict[str, int] = field(default_factory=dict)

    @property
    def national(self) -> bool:
        return self.scale is Scale.NATIONAL

    def rng(self, step: str) -> random.Random:
        """A generator per step, so adding a step never changes what the others produce."""
        return random.Random(f"{self.seed}:{self.scale.value}:{step}")  # noqa: S311

    def new_id(self, model: Any) -> int:
        table = model.__table__
        if table.name not in self._next_ids:
            current = db.session.scalar(select(func.max(table.c.id))) or 0
            self._next_ids[table.name] = int(current) + 1
        value = self._next_ids[table.name]
        self._next_ids[table.name] = value + 1
        return value

    def serving_terms(self) -> list[TermSeed]:
        return [term for term in self.terms if term.serving]


def insert_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk insert plain dicts in chunks (executemany), bypassing the ORM unit of work.

    Every row must have the same keys: an executemany takes its columns from the first row
    and would silently drop any key that only later rows carry.

    Rows of a table of fictional data (one with a `synthetic` column, `portal.modeling.
    Synthetic`) are marked synthetic unless the row says otherwise.
    """
    table = model.__table__
    mark = "synthetic" in table.c
    count = 0
    batch: list[dict[str, Any]] = []
    keys: set[str] | None = None
    for row in rows:
        if mark and "synthetic" not in row:
            row = {**row, "synthetic": True}
        if keys is None:
            keys = set(row)
        elif set(row) != keys:
            raise ValueError(f"{table.name}: row keys differ: {sorted(set(row) ^ keys)}")
        batch.append(row)
        if len(batch) >= CHUNK:
            db.session.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def reset_sequences() -> None:
    """After inserts with explicit ids, move PostgreSQL's sequences past the largest id."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key or not table.c.id.autoincrement:
            continue
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        ))


def read_lines(name: str) -> list[str]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip()]
