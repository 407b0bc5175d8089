"""synthetic marks on fictional data: a `synthetic` flag on every table a seed fills with
fictional records (docs/development.md, "Fictional data")

Revision ID: 3165e486c30f
Revises: a4c1e9d27b50
Create Date: 2026-12-06 21:49:56.488724

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate renders JSONB(astext_type=Text())


# revision identifiers, used by Alembic.
revision = '3165e486c30f'
down_revision = 'a4c1e9d27b50'
branch_labels = None
depends_on = None


# Plain ADD COLUMN (no batch mode): SQLite adds a column with a constant default in place,
# where a batch would rebuild the table and drop its triggers (report_version's immutability).
TABLES = (
    "akim",
    "budget_line",
    "comment",
    "comment_complaint",
    "promise",
    "promise_amendment",
    "promise_evidence",
    "promise_follower",
    "promise_programme",
    "promise_update",
    "promise_vote",
    "rating",
    "recall_petition",
    "recall_petition_signature",
    "report",
    "report_attachment",
    "report_version",
    "stored_file",
    "term",
    "user_account",
    "verification_request",
)


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("synthetic", sa.Boolean(), server_default=sa.false(),
                                       nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("synthetic")
