"""One row per public text search finds: a promise, a report's current published version, a
meeting question."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint, column, table
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.modeling import str_enum
from portal.textsearch import trigram_index


class EntryKind(enum.StrEnum):
    PROMISE = "promise"
    REPORT = "report"
    QUESTION = "question"  # a question residents raised at a meeting, with its answer


class SearchEntry(Model):
    """Folded text (`portal.textsearch.fold`) of a public object, with the place it belongs to
    for the region filter. Written by `portal.search.index` on every flush that changes the
    object; a draft report never has a row."""

    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        # On SQLite the FTS5 table below does this index's job.
        trigram_index("ix_search_entry_body_trgm", "body"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    object_id: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    body: Mapped[str] = mapped_column(Text)


# SQLite only (migration 5e7a0c31f2b9): an FTS5 trigram index over search_entry.body, kept in
# step by triggers. Not a model: Alembic must neither create it on PostgreSQL nor drop it.
FTS_TABLE = "search_entry_fts"
search_entry_fts = table(FTS_TABLE, column("rowid", Integer), column("body", Text))


def include_name(name: str | None, type_: str, _parents: dict[str, str | None]) -> bool:
    """For Alembic's comparisons: the FTS5 table and its shadow tables are not the models'."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))
