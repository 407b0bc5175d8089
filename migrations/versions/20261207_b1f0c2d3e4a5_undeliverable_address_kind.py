"""undeliverable address: why it stopped (refused while sending, bounced, complained)

Revision ID: b1f0c2d3e4a5
Revises: b896fb6d49a8
Create Date: 2026-12-07 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1f0c2d3e4a5'
down_revision = 'b896fb6d49a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('undeliverable_address', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'kind', sa.Enum('refused', 'bounced', 'complained', name='undeliveredbecause',
                            native_enum=False, create_constraint=True, length=16),
            server_default='refused', nullable=False))


def downgrade():
    with op.batch_alter_table('undeliverable_address', schema=None) as batch_op:
        batch_op.drop_column('kind')
