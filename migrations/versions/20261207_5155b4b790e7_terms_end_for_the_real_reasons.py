"""terms end for the real reasons

End reasons become: term expired, resigned, appointed to another post, loss of eligibility
(court decision), died, rural district abolished or merged, recalled (only with the act that
recorded the procedure). `end_record` names that act; a CHECK requires it for loss of
eligibility and recall. "dismissed" is not a ground on which an elected rural akim's term
ends: seeded (fictional) terms that used it become "appointed"; a real one stops the
migration, naming the rows, for a person to decide.

SQLite cannot alter a CHECK constraint, and recreating `term` (batch mode) would run an
implicit DELETE on a table other tables reference, with their ON DELETE actions. So on
SQLite the constraint text is changed in place, as SQLite documents for changes that leave
the stored rows valid (https://www.sqlite.org/lang_altertable.html, "otheralter"): the rows
are updated first, so every row satisfies the new constraints.

Revision ID: 5155b4b790e7
Revises: 974a3693ad24
Create Date: 2026-12-07 01:37:57.405586

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5155b4b790e7'
down_revision = '974a3693ad24'
branch_labels = None
depends_on = None

OLD = ('term_end', 'resigned', 'dismissed', 'recalled', 'died')
NEW = ('term_end', 'resigned', 'appointed', 'ineligible', 'died', 'district_abolished',
       'recalled')
RECORDED = ("end_reason IS NULL OR end_reason NOT IN ('ineligible', 'recalled')"
            " OR (end_record IS NOT NULL AND end_record <> '')")


def _in(values):
    return "end_reason IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _sqlite_swap(old_check, new_checks):
    """Replace a CHECK constraint's text in term's stored definition (SQLite only)."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'term'")).scalar_one()
    if old_check not in sql:
        raise RuntimeError(f"term's definition does not hold {old_check!r}; not changed")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' "
                         "AND name = 'term'"),
                 {"sql": sql.replace(old_check, new_checks)})
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def upgrade():
    bind = op.get_bind()
    real = bind.execute(sa.text("SELECT id FROM term WHERE end_reason = 'dismissed' "
                                "AND NOT synthetic ORDER BY id")).scalars().all()
    if real:
        raise RuntimeError(
            "terms %s ended as 'dismissed', which is not a ground on which an elected rural "
            "akim's term ends: set each one's end_reason (appointed, ineligible with its court "
            "decision, ...) before upgrading" % ", ".join(map(str, real)))
    op.add_column('term', sa.Column('end_record', sa.String(length=500), nullable=True))
    if bind.dialect.name == "sqlite":
        # The new text first (SQLite does not re-check stored rows), then the rows.
        _sqlite_swap(f"CONSTRAINT ck_term_termendreason CHECK ({_in(OLD)})",
                     f"CONSTRAINT ck_term_termendreason CHECK ({_in(NEW)}), "
                     f"CONSTRAINT ck_term_recorded_end_has_record CHECK ({RECORDED})")
        op.execute("UPDATE term SET end_reason = 'appointed' WHERE end_reason = 'dismissed'")
    else:
        op.drop_constraint(op.f('ck_term_termendreason'), 'term', type_='check')
        op.execute("UPDATE term SET end_reason = 'appointed' WHERE end_reason = 'dismissed'")
        op.create_check_constraint(op.f('ck_term_termendreason'), 'term', _in(NEW))
        op.create_check_constraint(op.f('ck_term_recorded_end_has_record'), 'term', RECORDED)


def downgrade():
    # The older list has no word for the new reasons: they go back as "dismissed".
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_swap(f"CONSTRAINT ck_term_termendreason CHECK ({_in(NEW)}), "
                     f"CONSTRAINT ck_term_recorded_end_has_record CHECK ({RECORDED})",
                     f"CONSTRAINT ck_term_termendreason CHECK ({_in(OLD)})")
        op.execute("UPDATE term SET end_reason = 'dismissed' "
                   "WHERE end_reason IN ('appointed', 'ineligible', 'district_abolished')")
    else:
        op.drop_constraint(op.f('ck_term_recorded_end_has_record'), 'term', type_='check')
        op.drop_constraint(op.f('ck_term_termendreason'), 'term', type_='check')
        op.execute("UPDATE term SET end_reason = 'dismissed' "
                   "WHERE end_reason IN ('appointed', 'ineligible', 'district_abolished')")
        op.create_check_constraint(op.f('ck_term_termendreason'), 'term', _in(OLD))
    op.drop_column('term', 'end_record')
