"""The audit trail as the administrators' page reads it: newest first, filtered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select

from portal.audit import AuditEvent
from portal.web.safety import whole_number

MAX_TEXT = 80


def trail(action: str = "", actor: str = "", target_type: str = "",
          target_id: int | None = None) -> Select[Any]:
    """A select for `paginate`: events matching every filter given, newest first."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc())
    action, actor, target_type = (value.strip()[:MAX_TEXT]
                                  for value in (action, actor, target_type))
    if action:
        statement = statement.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor.isascii() and actor.isdigit():
        # An account number; past the id column's range it names nobody (and both databases
        # would refuse the comparison).
        number = whole_number(actor)
        statement = statement.where(AuditEvent.actor_id == number if number else false())
    elif actor:
        statement = statement.where(AuditEvent.actor_label == actor)
    if target_type:
        statement = statement.where(AuditEvent.target_type == target_type)
    if target_id is not None:
        statement = statement.where(AuditEvent.target_id == target_id)
    return statement
