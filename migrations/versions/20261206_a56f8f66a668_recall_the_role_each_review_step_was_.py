"""recall: the role each review step was taken under

Flags were reviewed by parliamentary staff (and administrators) until review passed to the
portal's moderators. The steps already taken keep the role of who took them: staff when the
person holds the staff role (or no longer exists: only staff and administrators could review),
otherwise administrator.

Revision ID: a56f8f66a668
Revises: 7f0a2c3b4d5e
Create Date: 2026-12-06 21:49:00.720771

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a56f8f66a668'
down_revision = '7f0a2c3b4d5e'
branch_labels = None
depends_on = None

ROLES = ('citizen', 'akim', 'staff', 'moderator', 'admin')


def backfill_statement(role_column: str, user_column: str, moment_column: str) -> str:
    """The UPDATE that gives the steps already taken their role (tested on both databases:
    tests/recall/test_review_roles_migration.py)."""
    def holds(role: str) -> str:
        return (f"EXISTS (SELECT 1 FROM user_role WHERE user_role.user_id = "
                f"recall_flag.{user_column} AND user_role.role = '{role}')")

    return (f"UPDATE recall_flag SET {role_column} = CASE WHEN {holds('staff')} THEN 'staff' "
            f"WHEN {holds('admin')} THEN 'admin' ELSE 'staff' END "
            f"WHERE {moment_column} IS NOT NULL")


def _backfill(role_column: str, user_column: str, moment_column: str) -> None:
    op.execute(backfill_statement(role_column, user_column, moment_column))


def upgrade():
    with op.batch_alter_table('recall_flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_started_by_role', sa.Enum(*ROLES, name='review_started_by_role', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('decided_by_role', sa.Enum(*ROLES, name='decided_by_role', native_enum=False, create_constraint=True, length=32), nullable=True))

    _backfill('review_started_by_role', 'review_started_by_id', 'review_started_at')
    _backfill('decided_by_role', 'decided_by_id', 'decided_at')

    with op.batch_alter_table('recall_flag', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_recall_flag_review_has_role'), '(review_started_at IS NULL) = (review_started_by_role IS NULL)')
        batch_op.create_check_constraint(
            op.f('ck_recall_flag_decision_has_role'), '(decided_at IS NULL) = (decided_by_role IS NULL)')


def downgrade():
    with op.batch_alter_table('recall_flag', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_recall_flag_decision_has_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_recall_flag_review_has_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_recall_flag_decided_by_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_recall_flag_review_started_by_role'), type_='check')
        batch_op.drop_column('decided_by_role')
        batch_op.drop_column('review_started_by_role')
