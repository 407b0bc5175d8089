"""exports: which dossiers readers asked for, and the queue of dossiers to rebuild ahead of them

Revision ID: a7d3f11bfd75
Revises: a56f8f66a668
Create Date: 2026-12-06 22:30:31.568692

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3f11bfd75'
down_revision = 'a56f8f66a668'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_demand',
    sa.Column('akim_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('built_file', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['akim_id'], ['akim.id'], name=op.f('fk_dossier_demand_akim_id_akim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('akim_id', 'language', name=op.f('pk_dossier_demand'))
    )
    op.create_table('dossier_rebuild',
    sa.Column('akim_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['akim_id'], ['akim.id'], name=op.f('fk_dossier_rebuild_akim_id_akim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('akim_id', 'language', name=op.f('pk_dossier_rebuild'))
    )
    with op.batch_alter_table('dossier_rebuild', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_rebuild_changed_at'), ['changed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('dossier_rebuild', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_rebuild_changed_at'))

    op.drop_table('dossier_rebuild')
    op.drop_table('dossier_demand')
