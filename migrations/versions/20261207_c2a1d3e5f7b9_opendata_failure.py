"""open data: failed builds, for the administrators' jobs page

Revision ID: c2a1d3e5f7b9
Revises: b1f0c2d3e4a5
Create Date: 2026-12-07 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2a1d3e5f7b9'
down_revision = 'b1f0c2d3e4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opendata_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('forced', sa.Boolean(), nullable=False),
    sa.Column('retried_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retried_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['retried_by_id'], ['user_account.id'], name=op.f('fk_opendata_failure_retried_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opendata_failure'))
    )
    with op.batch_alter_table('opendata_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opendata_failure_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('opendata_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opendata_failure_failed_at'))
    op.drop_table('opendata_failure')
