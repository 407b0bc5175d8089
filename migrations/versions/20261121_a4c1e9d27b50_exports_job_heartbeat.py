"""exports: a heartbeat on export jobs, so jobs whose worker died can be marked failed

Revision ID: a4c1e9d27b50
Revises: 0355a7f7d6b2
Create Date: 2026-11-21 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c1e9d27b50'
down_revision = '0355a7f7d6b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('progress_at')
