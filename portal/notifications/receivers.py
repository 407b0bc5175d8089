"""The package listens to every signal of `portal.notifications.signals` and records an event.

Connected once when the app is built (`connect`). A receiver only adds a row to the current
transaction; delivery happens in the worker after the commit (`portal.notifications.delivery`).
"""

from __future__ import annotations

from typing import Any

from portal.notifications import signals
from portal.notifications.delivery import record
from portal.notifications.models import EventKind


def _term_id(sender: Any) -> int | None:
    return getattr(sender, "term_id", None)


def _simple(kind: EventKind) -> Any:
    def receiver(sender: Any, actor: Any = None, **extra: Any) -> None:
        data: dict[str, Any] = {}
        if extra.get("version") is not None:
            data["version_id"] = extra["version"].id
        if extra.get("update") is not None:
            data["update_id"] = extra["update"].id
        record(kind, sender.id, _term_id(sender), actor, **data)

    receiver.__name__ = f"record_{kind.value}"
    return receiver


def _flags_raised(sender: Any, flag_ids: list[int] | None = None, actor: Any = None,
                  **_: Any) -> None:
    """One evaluation raises flags on many terms: one event, one statement; the worker tells
    each akim of their own flags."""
    if flag_ids:
        record(EventKind.FLAGS_RAISED, sender.id, None, actor, flag_ids=list(flag_ids))


def _meeting_changed(sender: Any, change: str = "changed", actor: Any = None,
                     **_: Any) -> None:
    record(EventKind.MEETING_SCHEDULED, sender.id, _term_id(sender), actor, change=change)


RECEIVERS: dict[Any, Any] = {
    signals.report_published: _simple(EventKind.REPORT_PUBLISHED),
    signals.report_amended: _simple(EventKind.REPORT_AMENDED),
    signals.meeting_scheduled: _simple(EventKind.MEETING_SCHEDULED),
    signals.meeting_changed: _meeting_changed,
    signals.promise_status_changed: _simple(EventKind.PROMISE_STATUS_CHANGED),
    signals.verdict_recorded: _simple(EventKind.VERDICT_RECORDED),
    signals.flags_raised: _flags_raised,
    signals.flag_responded: _simple(EventKind.FLAG_RESPONDED),
    signals.flag_decided: _simple(EventKind.FLAG_DECIDED),
    signals.official_reply_posted: _simple(EventKind.OFFICIAL_REPLY_POSTED),
    signals.petition_threshold_reached: _simple(EventKind.PETITION_THRESHOLD_REACHED),
}


def connect() -> None:
    """Listen to every signal (idempotent: blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver)
