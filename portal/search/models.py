"""One row per public text that search finds: a promise, or a report's current published version."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.modeling import str_enum


class EntryKind(enum.StrEnum):
    PROMISE = "promise"
    REPORT = "report"


class SearchEntry(Model):
    """Folded text (`portal.textsearch.fold`) of a public object, with the place it belongs to
    for the region filter. Written by `portal.search.index` on every flush that changes the
    object; a draft report never has a row."""

    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        # PostgreSQL: a trigram index, so `body LIKE '%…%'` is an index scan (pg_trgm). SQLite
        # has no such index: `WHERE 0` keeps the index there empty rather than a copy of every
        # text (FTS5 is the SQLite plan, not built yet).
        Index("ix_search_entry_body_trgm", "body", postgresql_using="gin",
              postgresql_ops={"body": "gin_trgm_ops"}, sqlite_where=text("0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    object_id: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
