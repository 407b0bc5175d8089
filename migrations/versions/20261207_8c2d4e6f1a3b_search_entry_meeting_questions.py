"""search_entry: meeting questions are a kind too (issue 22); the kind's CHECK constraint
widened. SQLite cannot alter a CHECK: the table is copied by hand, not in batch mode, so the
FTS5 triggers of 5e7a0c31f2b9 are made again; the index is rebuilt and questions filled in.

Revision ID: 8c2d4e6f1a3b
Revises: 5e7a0c31f2b9
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa

from portal.textsearch import fold

# revision identifiers, used by Alembic.
revision = '8c2d4e6f1a3b'
down_revision = '5e7a0c31f2b9'
branch_labels = None
depends_on = None

KINDS = ("promise", "report", "question")
COLUMNS = "id, kind, object_id, term_id, region_id, body"


def _check(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def _sqlite_table(kinds: tuple[str, ...]) -> None:
    # The FTS5 statements of 5e7a0c31f2b9, repeated: a migration must not import another.
    op.execute("DROP TABLE IF EXISTS search_entry_fts")
    op.execute(
        "CREATE TABLE search_entry_new (id INTEGER NOT NULL, kind VARCHAR(32) NOT NULL, "
        "object_id INTEGER NOT NULL, term_id INTEGER NOT NULL, region_id INTEGER NOT NULL, "
        "body TEXT NOT NULL, CONSTRAINT pk_search_entry PRIMARY KEY (id), "
        "CONSTRAINT fk_search_entry_region_id_region FOREIGN KEY(region_id) REFERENCES region "
        "(id), CONSTRAINT fk_search_entry_term_id_term FOREIGN KEY(term_id) REFERENCES term (id) "
        "ON DELETE CASCADE, CONSTRAINT uq_search_entry_kind_object_id UNIQUE (kind, object_id), "
        f"CONSTRAINT ck_search_entry_entrykind CHECK ({_check(kinds)}))")
    op.execute(f"INSERT INTO search_entry_new ({COLUMNS}) SELECT {COLUMNS} FROM search_entry "
               f"WHERE {_check(kinds)}")
    op.execute("DROP TABLE search_entry")  # its indexes and triggers go with it
    op.execute("ALTER TABLE search_entry_new RENAME TO search_entry")
    op.execute("CREATE INDEX ix_search_entry_body_trgm ON search_entry (body) WHERE 0")
    op.execute("CREATE INDEX ix_search_entry_region_id ON search_entry (region_id)")
    op.execute("CREATE INDEX ix_search_entry_term_id ON search_entry (term_id)")
    for statement in (
        "CREATE VIRTUAL TABLE search_entry_fts USING fts5(body, content='search_entry', "
        "content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(rowid, body) VALUES (new.id, new.body); END",
        "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(search_entry_fts, rowid, body) "
        "VALUES ('delete', old.id, old.body); END",
        "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_entry BEGIN "
        "INSERT INTO search_entry_fts(search_entry_fts, rowid, body) "
        "VALUES ('delete', old.id, old.body); "
        "INSERT INTO search_entry_fts(rowid, body) VALUES (new.id, new.body); END",
        "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
    ):
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_table(KINDS)
    else:
        op.execute("ALTER TABLE search_entry DROP CONSTRAINT ck_search_entry_entrykind")
        op.execute("ALTER TABLE search_entry ADD CONSTRAINT ck_search_entry_entrykind "
                   f"CHECK ({_check(KINDS)})")
    bind = op.get_bind()
    rows = [{"kind": "question", "object_id": r.id, "term_id": r.term_id,
             "region_id": r.region_id, "body": fold(r.question, r.answer, r.evidence)}
            for r in bind.execute(sa.text(
                "SELECT q.id, m.term_id, d.region_id, q.question, q.answer, q.evidence "
                "FROM meeting_question q JOIN meeting m ON m.id = q.meeting_id "
                "JOIN term t ON t.id = m.term_id JOIN rural_district rd ON rd.id = "
                "t.rural_district_id JOIN district d ON d.id = rd.district_id"))]
    entry = sa.table("search_entry", sa.column("kind"), sa.column("object_id"),
                     sa.column("term_id"), sa.column("region_id"), sa.column("body"))
    for start in range(0, len(rows), 2000):
        op.bulk_insert(entry, rows[start:start + 2000])


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_table(KINDS[:2])
    else:
        op.execute("DELETE FROM search_entry WHERE kind = 'question'")
        op.execute("ALTER TABLE search_entry DROP CONSTRAINT ck_search_entry_entrykind")
        op.execute("ALTER TABLE search_entry ADD CONSTRAINT ck_search_entry_entrykind "
                   f"CHECK ({_check(KINDS[:2])})")
