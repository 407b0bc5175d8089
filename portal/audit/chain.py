"""The seal of each audit event and the check of the whole chain.

seal(event) = HMAC-SHA256(AUDIT_HMAC_KEY, canonical content ‖ previous seal). The content is
every column but the id (the chain, not the numbering, is the order): time, actor, action,
target and the values before and after, as JSON with sorted keys. A key kept outside the
database means that someone who can write to the database still cannot forge a seal: an
edited row no longer matches its seal, a deleted row leaves its successor pointing at a seal
that is not the one before it, and an inserted row has no valid seal. Deleting the newest
rows leaves no gap, so the head (id and seal) is printed by `audit verify` and logged every
night, for comparison later (`--anchor`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db
from portal.modeling import as_utc

BATCH = 2000


def as_stored(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """The values as the JSON column gives them back (tuples become lists, and so on), so
    the seal made at insert is the seal recomputed from the row."""
    if values is None:
        return None
    loaded: dict[str, Any] = json.loads(json.dumps(values, default=str))
    return loaded


def canonical(event: AuditEvent) -> bytes:
    occurred = as_utc(event.occurred_at)
    content = {
        "occurred_at": occurred.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if occurred else None,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def _key() -> bytes:
    return str(current_app.config["AUDIT_HMAC_KEY"]).encode()


def seal(event: AuditEvent, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), canonical(event), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken link: the event where the chain stops holding, and why."""

    event_id: int
    action: str
    reason: str  # "edited" (content or seal changed, or a forged row), "gap" (a row removed)

    def describe(self) -> str:
        if self.reason == "gap":
            return (f"audit event #{self.event_id} ({self.action}) does not follow the event "
                    "before it: an event was deleted between them, or rows were reordered")
        return (f"audit event #{self.event_id} ({self.action}) does not match its seal: it was "
                "edited, or it was not written by the portal")


@dataclass(frozen=True)
class Report:
    events: int
    head_id: int | None
    head_hash: str
    broken: Break | None
    anchor_ok: bool | None = None  # None when no anchor was given

    @property
    def intact(self) -> bool:
        return self.broken is None and self.anchor_ok is not False


def _events() -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id)
            .limit(BATCH)))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        db.session.expunge_all()


def verify(anchor: tuple[int, str] | None = None) -> Report:
    """Walk the chain from the first event; stop at the first broken link.

    `anchor` (id, seal), a head recorded earlier: that event must still be there with that
    seal (catches deleting the newest events, which leaves no gap behind it).
    """
    key = _key()
    previous = ""
    count = 0
    head_id: int | None = None
    anchor_ok: bool | None = None if anchor is None else False
    for event in _events():
        if not hmac.compare_digest(event.row_hash or "", seal(event, key)):
            return Report(count, head_id, previous, Break(event.id, event.action, "edited"))
        if event.prev_hash != previous:
            return Report(count, head_id, previous, Break(event.id, event.action, "gap"))
        if anchor is not None and event.id == anchor[0]:
            anchor_ok = hmac.compare_digest(event.row_hash, anchor[1])
        previous, head_id = event.row_hash, event.id
        count += 1
    return Report(count, head_id, previous, None, anchor_ok)
