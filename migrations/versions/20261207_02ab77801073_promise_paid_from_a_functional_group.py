"""promise paid from a functional group of the rural district's budget

A nullable, indexed `promise.budget_function_id` → `budget_function.id` (docs/budgets.md:
spending is recorded by functional group, budget programmes are not recorded yet).

On SQLite the column is added with ALTER TABLE and its REFERENCES clause, not by batch mode:
batch mode would copy and drop `promise`, and with foreign keys on (portal.extensions), the
drop deletes every row that cascades from it (timeline, evidence, amendments, villages).

Revision ID: 02ab77801073
Revises: 70368d1f9273
Create Date: 2026-12-07 15:48:23.851751

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02ab77801073'
down_revision = '70368d1f9273'
branch_labels = None
depends_on = None

FOREIGN_KEY = 'fk_promise_budget_function_id_budget_function'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    if _sqlite():
        op.execute('ALTER TABLE promise ADD COLUMN budget_function_id INTEGER '
                   f'CONSTRAINT {FOREIGN_KEY} REFERENCES budget_function (id)')
    else:
        op.add_column('promise', sa.Column('budget_function_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, 'promise', 'budget_function',
                              ['budget_function_id'], ['id'])
    op.create_index(op.f('ix_promise_budget_function_id'), 'promise', ['budget_function_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_promise_budget_function_id'), table_name='promise')
    if _sqlite():
        # SQLite drops no column that a foreign key uses, so the table is copied (batch
        # mode), with foreign keys off so that dropping the old copy cascades nothing. The
        # pragma is ignored inside a transaction: end it, and begin again for Alembic.
        raw = op.get_bind().connection.dbapi_connection
        raw.execute('COMMIT')
        raw.execute('PRAGMA foreign_keys=OFF')
        raw.execute('BEGIN')
        with op.batch_alter_table('promise', schema=None) as batch_op:
            batch_op.drop_column('budget_function_id')
        raw.execute('COMMIT')
        raw.execute('PRAGMA foreign_keys=ON')
        raw.execute('BEGIN')
    else:
        op.drop_constraint(FOREIGN_KEY, 'promise', type_='foreignkey')
        op.drop_column('promise', 'budget_function_id')
