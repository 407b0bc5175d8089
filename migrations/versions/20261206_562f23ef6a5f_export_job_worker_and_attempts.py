"""export jobs: the consumer building them and how many times they were started

Revision ID: 562f23ef6a5f
Revises: 3165e486c30f
Create Date: 2026-12-06 22:08:44.738893

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '562f23ef6a5f'
down_revision = '3165e486c30f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker_id', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('worker_id')
