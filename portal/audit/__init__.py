"""The audit trail: every mutation records who did what to which object, before and after.

The trail is tamper-evident: each event is sealed with a keyed hash (HMAC-SHA256 under
`AUDIT_HMAC_KEY`) of its content and of the previous event's seal, so an edited, deleted or
inserted row breaks the chain at that row (`flask audit verify`, `portal.audit.chain`). On
PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of the table; an ORM guard refuses
them everywhere, for code that forgets.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import JSONType, Model, db
from portal.modeling import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User

SYSTEM_ACTOR = "system"

# Keys whose values must never reach the audit log, whatever a caller passes in.
_REDACTED_KEYS = frozenset({"password", "password_hash", "iin", "iin_hmac", "token",
                            "totp_secret", "recovery_codes", "code"})

# PostgreSQL advisory lock held by a transaction while it appends to the chain: one writer
# at a time reads the head and adds after it. (SQLite has one writer anyway.)
CHAIN_LOCK = 0x61756469  # "audi"


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # A plain number, not a foreign key: the record of who acted outlives their account.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(String(80))  # "user:12", "cli", "system", ...
    action: Mapped[str] = mapped_column(String(80), index=True)  # "report.publish"
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[int | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # The seal of the event before this one ("" for the first), and this event's own seal.
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target_type}:{self.target_id}>"


def record(
    actor: User | str | None,
    action: str,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction, sealed onto the chain, and flush it.
    The caller commits.

    `actor` is a user, a label such as "cli" for commands, or None for the system itself.
    `target` is a model instance (flushed, so it has an id) or None.
    """
    from portal.audit import chain

    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()
    event_row = AuditEvent(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        action=action,
        target_type=getattr(target, "__tablename__", None) if target is not None else None,
        target_id=getattr(target, "id", None) if target is not None else None,
        before=chain.as_stored(_redact(before)),
        after=chain.as_stored(_redact(after)),
    )
    db.session.flush()  # the caller's own rows first, then the chain is locked to the end
    event_row.prev_hash = _locked_head()
    event_row.row_hash = chain.seal(event_row)
    db.session.add(event_row)
    db.session.flush()
    return event_row


def _locked_head() -> str:
    """The newest seal, read while this transaction holds the chain (to its end)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    head = db.session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    return head or ""


def _actor_label(actor: User | str | None) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    if isinstance(actor, str):
        return actor
    return f"user:{actor.id}"


def _redact(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: "[redacted]" if key in _REDACTED_KEYS else value for key, value in values.items()}


class AuditTrailError(RuntimeError):
    """Code tried to change or remove an audit event: the trail is append-only."""


def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditTrailError(f"audit event {obj.id} cannot change: the trail is append-only")
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailError(f"audit event {obj.id} cannot be removed")


def install_guard() -> None:
    """Listen on every Session (idempotent): the app's, the tests' and the seed's."""
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)


install_guard()
