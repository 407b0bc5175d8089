"""Building blocks of the download's tables: typed columns, tables and a streaming reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select

from portal.extensions import db

BATCH = 5_000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless Table Schema type: string, integer, number, boolean, date, …
    description: str
    format: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # col, table, col


def S(name: str, description: str) -> Column:  # noqa: N802 - short column constructors
    return Column(name, "string", description)


def I(name: str, description: str) -> Column:  # noqa: N802, E743
    return Column(name, "integer", description)


def D(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "date", description)


def B(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "boolean", description)


def N(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "number", description)


def T(name: str, description: str) -> Column:  # noqa: N802
    return Column(name, "datetime", description)


def SYNTHETIC(what: str = "record") -> Column:  # noqa: N802
    """The mark of fictional data (docs/development.md, "Fictional data")."""
    return B("synthetic", f"true: a fictional {what}, made by a seed for a demonstration, "
                          "not a real one.")


def NAMES(what: str) -> list[Column]:  # noqa: N802
    return [S("name_kk", f"{what} in Kazakh."), S("name_ru", f"{what} in Russian."),
            S("name_en", f"{what} in English.")]


def stream(statement: Select) -> Iterator[tuple[Any, ...]]:
    for row in db.session.execute(statement.execution_options(yield_per=BATCH)):
        yield tuple(row)


def names_of(model: Any) -> tuple[Any, ...]:
    return (model.name_kk, model.name_ru, model.name_en)


