"""accounts: adult day instead of IIN digits

Issue 24 finding 12 and issue 18 item 7: the last four IIN digits (with the birth date and
sex the first seven encode, they pinned the whole IIN in 84 % of cases) are dropped; the
portal keeps only the first day the holder counts as an adult. The adult day is computed
before the digits go: the portal never stored a birth date, so an account registered with an
IIN before this change counts as an adult from its registration day (Almaty), as the rules
of the time allowed everyone to sign and rate.

Revision ID: 9433ed367a9e
Revises: 5155b4b790e7
Create Date: 2026-12-07 01:44:39.310445

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9433ed367a9e'
down_revision = '5155b4b790e7'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (no batch mode): user_account is referenced by many tables.
    op.add_column('user_account', sa.Column('adult_from', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE user_account SET adult_from = "
                   "(created_at AT TIME ZONE 'Asia/Almaty')::date WHERE iin_hmac IS NOT NULL")
    else:
        # SQLite keeps UTC text; Kazakhstan is UTC+5.
        op.execute("UPDATE user_account SET adult_from = date(created_at, '+5 hours') "
                   "WHERE iin_hmac IS NOT NULL")
    op.drop_column('user_account', 'iin_last4')


def downgrade():
    # The digits are gone for good; a downgrade restores the column, empty.
    op.add_column('user_account', sa.Column('iin_last4', sa.VARCHAR(length=4), nullable=True))
    op.drop_column('user_account', 'adult_from')
