"""search_entry: an FTS5 trigram index on SQLite (issue 22), kept in step by triggers

PostgreSQL has its pg_trgm index since 27ddcd67266e; this gives SQLite the same: a LIKE
'%…%' of three characters or more on `search_entry_fts` is answered from the trigram index.
Triggers keep it in step with every insert, update and delete of search_entry, so never
alter search_entry in batch mode (it would drop them).

Revision ID: 5e7a0c31f2b9
Revises: 27ddcd67266e
Create Date: 2026-12-07 02:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e7a0c31f2b9'
down_revision = '27ddcd67266e'
branch_labels = None
depends_on = None

UPGRADE = (
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
)


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_entry_fts_{name}")
    op.execute("DROP TABLE IF EXISTS search_entry_fts")
