"""trigram indexes on the search keys of akims, rural districts and villages (PostgreSQL,
pg_trgm), so a search by name is an index scan, not a read of every row (issue 22: 5 ms of a
search on the national seed went to reading 13,600 villages)

Revision ID: 8e9a0335fb18
Revises: 5e1c0a7d9b42
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '8e9a0335fb18'
down_revision = '5e1c0a7d9b42'
branch_labels = None
depends_on = None

INDEXES = (("ix_akim_search_key_trgm", "akim"),
           ("ix_rural_district_search_key_trgm", "rural_district"),
           ("ix_settlement_search_key_trgm", "settlement"))


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        # SQLite: an empty partial index (`WHERE 0`), as the models declare it.
        op.create_index(name, table, ['search_key'], unique=False, postgresql_using='gin',
                        postgresql_ops={'search_key': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))


def downgrade():
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
