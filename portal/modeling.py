"""Shared building blocks for models: localized names, UTC timestamps, string enums."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import Boolean, DateTime, Enum, String, false
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

LOCALES = ("kk", "ru", "en")


def utcnow() -> datetime:
    return datetime.now(UTC)


def current_language() -> str:
    """The language of the current request, or Kazakh (the state language) outside one."""
    if has_request_context():
        locale = get_locale()
        if locale is not None and locale.language in LOCALES:
            return locale.language
    return "kk"


def localized(values: dict[str, str | None], language: str | None = None) -> str:
    """Pick a value for the language, falling back through kk, ru, en."""
    language = language or current_language()
    for code in (language, *LOCALES):
        value = values.get(code)
        if value:
            return value
    return ""


class LocalizedName:
    """Mixin: `name_kk`, `name_ru`, `name_en` columns and a `name` that follows the locale."""

    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    @property
    def name(self) -> str:
        return self.name_in(current_language())

    def name_in(self, language: str) -> str:
        return localized({"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}, language)


class Synthetic:
    """Mixin for every table of fictional data: `synthetic` is true on each row a seed made.

    A demo or test installation mixes fictional records (akims, promises, reports, budget
    figures, ratings, comments, petitions, the people behind them) with the real map. The
    mark travels with the row: pages show the demo ribbon, the API says `"synthetic": true`,
    CSV and open data carry a `synthetic` column. `portal.seed.context.insert_rows` sets it
    on every row it inserts; rows people add later are real (false). See docs/development.md.
    """

    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def str_enum(enum_class: type[enum.StrEnum], length: int = 32, name: str | None = None) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the values. `name`
    names the CHECK constraint when one table has two columns of the same enum."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class _UTCDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC. An aware datetime in another zone is converted before it is
    bound: SQLite keeps the wall time of whatever it is given and drops the zone, so 15:30 in
    Almaty would come back as 15:30 UTC. A naive datetime is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value


def UTCDateTime() -> _UTCDateTime:  # noqa: N802 - reads like a type in column definitions
    return _UTCDateTime()


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Plain JSON-ready values of some attributes, for audit before/after records."""
    result: dict[str, Any] = {}
    for field in fields:
        value = getattr(obj, field)
        if isinstance(value, enum.Enum):
            value = value.value
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        result[field] = value
    return result
