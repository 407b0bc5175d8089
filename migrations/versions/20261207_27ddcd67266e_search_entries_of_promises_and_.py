"""search entries of promises and published reports (issue 22): folded text, a trigram index
on PostgreSQL (pg_trgm), filled from the promises and current report versions already there

Revision ID: 27ddcd67266e
Revises: 4659946a149a
Create Date: 2026-12-07 02:32:23.694421

"""
from alembic import op
import sqlalchemy as sa

from portal.textsearch import fold

# revision identifiers, used by Alembic.
revision = '27ddcd67266e'
down_revision = '4659946a149a'
branch_labels = None
depends_on = None

REPORT_FIELDS = ("summary", "promises_progress", "budget_execution", "meeting_place",
                 "meeting_questions", "next_plans")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    entry = op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('promise', 'report', name='entrykind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_search_entry_region_id_region')),
    sa.ForeignKeyConstraint(['term_id'], ['term.id'], name=op.f('fk_search_entry_term_id_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_entry_kind_object_id'))
    )
    op.create_index('ix_search_entry_body_trgm', 'search_entry', ['body'], unique=False, postgresql_using='gin', postgresql_ops={'body': 'gin_trgm_ops'}, sqlite_where=sa.text('0'))
    op.create_index(op.f('ix_search_entry_region_id'), 'search_entry', ['region_id'], unique=False)
    op.create_index(op.f('ix_search_entry_term_id'), 'search_entry', ['term_id'], unique=False)
    _fill(entry)


def _fill(entry: sa.Table) -> None:
    """Index what is already there (the app keeps it current from now on)."""
    bind = op.get_bind()
    place = ("JOIN term t ON t.id = {}.term_id JOIN rural_district rd ON rd.id = t.rural_district_id "
             "JOIN district d ON d.id = rd.district_id")
    rows = [{"kind": "promise", "object_id": r.id, "term_id": r.term_id, "region_id": r.region_id,
             "body": fold(r.title, r.description)}
            for r in bind.execute(sa.text(
                "SELECT p.id, p.term_id, d.region_id, p.title, p.description FROM promise p "
                + place.format("p")))]
    columns = ", ".join(f"v.{name}" for name in REPORT_FIELDS)
    rows += [{"kind": "report", "object_id": r.report_id, "term_id": r.term_id,
              "region_id": r.region_id, "body": fold(*r[3:])}
             for r in bind.execute(sa.text(
                 f"SELECT v.report_id, r.term_id, d.region_id, {columns} FROM report_version v "
                 "JOIN report r ON r.id = v.report_id AND v.number = r.current_version "
                 + place.format("r")))]
    for start in range(0, len(rows), 2000):
        op.bulk_insert(entry, rows[start:start + 2000])


def downgrade():
    op.drop_index(op.f('ix_search_entry_term_id'), table_name='search_entry')
    op.drop_index(op.f('ix_search_entry_region_id'), table_name='search_entry')
    op.drop_index('ix_search_entry_body_trgm', table_name='search_entry', postgresql_using='gin')
    op.drop_table('search_entry')
