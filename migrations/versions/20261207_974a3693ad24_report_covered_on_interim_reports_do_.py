"""report covered_on: interim reports do not discharge the period

A report published before its period ended is interim: the period stays owed until a version
published after its last day covers all of it. `covered_on` is the Almaty day of that version;
`days_late` now measures how late it came. Existing rows: a report first published after its
period ended was covered then; an earlier one is covered by its first correction published
after the period ended, or not yet (covered_on and days_late NULL).

Revision ID: 974a3693ad24
Revises: a9ad5f10f77d
Create Date: 2026-12-07 01:17:36.020672

"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '974a3693ad24'
down_revision = 'a9ad5f10f77d'
branch_labels = None
depends_on = None

ALMATY = ZoneInfo("Asia/Almaty")


def _local_day(moment):
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ALMATY).date()


def _as_date(value):
    return value if not isinstance(value, str) else datetime.fromisoformat(value).date()


def upgrade():
    # No batch mode: report_version's triggers must survive on SQLite.
    op.add_column('report', sa.Column('covered_on', sa.Date(), nullable=True))
    op.execute("UPDATE report SET covered_on = first_published_on "
               "WHERE first_published_on IS NOT NULL AND first_published_on > period_end")
    bind = op.get_bind()
    early = bind.execute(sa.text(
        "SELECT r.id, r.period_end, r.due_on, v.published_at FROM report r "
        "JOIN report_version v ON v.report_id = r.id "
        "WHERE r.first_published_on IS NOT NULL AND r.first_published_on <= r.period_end "
        "ORDER BY r.id, v.number")).all()
    covered: dict[int, tuple] = {}
    interim: set[int] = set()
    for report_id, period_end, due_on, published_at in early:
        interim.add(report_id)
        day = _local_day(published_at)
        if report_id not in covered and day > _as_date(period_end):
            covered[report_id] = (day, max(0, (day - _as_date(due_on)).days))
    for report_id in sorted(interim):
        day, late = covered.get(report_id, (None, None))
        bind.execute(sa.text("UPDATE report SET covered_on = :day, days_late = :late "
                             "WHERE id = :id"), {"day": day, "late": late, "id": report_id})


def downgrade():
    op.execute("UPDATE report SET days_late = 0 WHERE first_published_on IS NOT NULL "
               "AND days_late IS NULL")
    op.drop_column('report', 'covered_on')
