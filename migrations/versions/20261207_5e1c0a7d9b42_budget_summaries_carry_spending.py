"""budget summaries carry the year's spending (the spending indicators' aggregates)

`budget_year_summary` gains the rural district's spending summed over functional groups
(groups on record, approved, plan, actual, the month the actuals reach); the district roll-up
`budget_district_year` gains the same summed over rural districts with spending, their
population, and the own revenue and spending of those whose revenue and spending actuals
reach the same month (docs/budgets.md, "Spending indicators").

Existing rows get zeros; `flask budgets summaries` rebuilds every summary and the roll-up
from the lines (any import or seed does it for what it touches).

Revision ID: 5e1c0a7d9b42
Revises: 02ab77801073
Create Date: 2026-12-07 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1c0a7d9b42'
down_revision = '02ab77801073'
branch_labels = None
depends_on = None

SUMMARY = (
    ('spending_functions', sa.SmallInteger()),
    ('spending_approved', sa.BigInteger()),
    ('spending_plan', sa.BigInteger()),
    ('spending_actual', sa.BigInteger()),
    ('spending_through', sa.SmallInteger()),
)
DISTRICT = (
    ('spending_rural_districts', sa.Integer()),
    ('spending_population', sa.BigInteger()),
    ('spending_approved', sa.BigInteger()),
    ('spending_plan', sa.BigInteger()),
    ('spending_actual', sa.BigInteger()),
    ('spending_through', sa.SmallInteger()),
    ('covered_own', sa.BigInteger()),
    ('covered_spending', sa.BigInteger()),
)


def upgrade():
    # Plain ADD COLUMN (no batch copy): NOT NULL with a default is allowed on both databases.
    for table, columns in (('budget_year_summary', SUMMARY),
                           ('budget_district_year', DISTRICT)):
        for name, kind in columns:
            op.add_column(table, sa.Column(name, kind, server_default='0', nullable=False))


def downgrade():
    for table, columns in (('budget_year_summary', SUMMARY),
                           ('budget_district_year', DISTRICT)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _kind in reversed(columns):
                batch_op.drop_column(name)
