"""The audit trail: every mutation records who did what to which object, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import JSONType, Model, db
from portal.modeling import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User

SYSTEM_ACTOR = "system"

# Keys whose values must never reach the audit log, whatever a caller passes in.
_REDACTED_KEYS = frozenset({"password", "password_hash", "iin", "iin_hmac", "token"})


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(80))  # "user:12", "cli", "system", ...
    action: Mapped[str] = mapped_column(String(80), index=True)  # "report.publish"
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[int | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target_type}:{self.target_id}>"


def record(
    actor: User | str | None,
    action: str,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction and flush it. The caller commits.

    `actor` is a user, a label such as "cli" for commands, or None for the system itself.
    `target` is a model instance (flushed, so it has an id) or None.
    """
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=_actor_label(actor),
        action=action,
        target_type=getattr(target, "__tablename__", None) if target is not None else None,
        target_id=getattr(target, "id", None) if target is not None else None,
        before=_redact(before),
        after=_redact(after),
    )
    db.session.add(event)
    db.session.flush()
    return event


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
