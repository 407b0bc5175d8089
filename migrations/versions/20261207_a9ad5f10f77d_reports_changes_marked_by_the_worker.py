"""reports: changes marked by the worker

Revision ID: a9ad5f10f77d
Revises: dd31ef8c14f6
Create Date: 2026-12-07 01:24:25.387883

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a9ad5f10f77d'
down_revision = 'dd31ef8c14f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_changes',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Integer(), nullable=False),
    sa.Column('runs', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['report_version.id'], name=op.f('fk_report_changes_version_id_report_version')),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_report_changes'))
    )


def downgrade():
    op.drop_table('report_changes')
