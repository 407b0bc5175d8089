"""audit: each event sealed onto a chain (prev_hash, row_hash); append-only on PostgreSQL

The events already recorded are sealed here, in id order, with AUDIT_HMAC_KEY. actor_id stops
being a foreign key: the record of who acted outlives their account (deleting an account used
to set it to NULL, which an append-only table cannot allow).

Revision ID: c0a1d17e5ea1
Revises: 562f23ef6a5f
Create Date: 2026-12-06 23:00:00.000000

"""
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c0a1d17e5ea1'
down_revision = '562f23ef6a5f'
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_event is append-only: events are never changed or removed"


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint('fk_audit_event_actor_id_user_account', type_='foreignkey')
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    _seal_existing_events()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def _seal_existing_events():
    from flask import current_app

    from portal.audit.chain import seal

    events = sa.table(
        'audit_event',
        sa.column('id', sa.Integer), sa.column('occurred_at', sa.DateTime(timezone=True)),
        sa.column('actor_id', sa.Integer), sa.column('actor_label', sa.String),
        sa.column('action', sa.String), sa.column('target_type', sa.String),
        sa.column('target_id', sa.Integer),
        sa.column('before', sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
        sa.column('after', sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
        sa.column('prev_hash', sa.String), sa.column('row_hash', sa.String),
    )
    key = str(current_app.config["AUDIT_HMAC_KEY"]).encode()
    bind = op.get_bind()
    previous = ""
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        event = SimpleNamespace(**{**row, "prev_hash": previous})
        sealed = seal(event, key)
        bind.execute(events.update().where(events.c.id == row["id"])
                     .values(prev_hash=previous, row_hash=sealed))
        previous = sealed


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    op.execute("UPDATE audit_event SET actor_id = NULL WHERE actor_id NOT IN "
               "(SELECT id FROM user_account)")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.create_foreign_key('fk_audit_event_actor_id_user_account', 'user_account',
                                    ['actor_id'], ['id'], ondelete='SET NULL')
