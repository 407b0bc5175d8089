"""Follows, recorded events and one delivery row per recipient and event."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import JSONType, Model
from portal.modeling import Synthetic, UTCDateTime, str_enum, utcnow


class EventKind(enum.StrEnum):
    """One per signal of `portal.notifications.signals`."""

    REPORT_PUBLISHED = "report_published"
    REPORT_AMENDED = "report_amended"
    MEETING_SCHEDULED = "meeting_scheduled"
    PROMISE_STATUS_CHANGED = "promise_status_changed"
    VERDICT_RECORDED = "verdict_recorded"
    FLAGS_RAISED = "flags_raised"
    FLAG_RESPONDED = "flag_responded"
    FLAG_DECIDED = "flag_decided"
    OFFICIAL_REPLY_POSTED = "official_reply_posted"
    PETITION_THRESHOLD_REACHED = "petition_threshold_reached"


class FollowTarget(enum.StrEnum):
    """What can be followed: every public thing events happen to."""

    AKIM = "akim"
    RURAL_DISTRICT = "rural_district"
    DISTRICT = "district"
    REGION = "region"
    PROMISE = "promise"
    PETITION = "petition"


class Frequency(enum.StrEnum):
    """How a user wants to hear of one kind of event."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for the worker (or for its next try)
    HELD = "held"  # waiting for its digest or for the end of quiet hours (`due_at`)
    SENT = "sent"
    FAILED = "failed"  # given up: the error says why; an administrator may retry


class Follow(Synthetic, Model):
    """A user following one public thing. `active` false records that a verified resident
    stopped following their own akim, which they otherwise follow by default."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("user_id", "target", "target_id"),
                      Index("ix_follow_target", "target", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    target: Mapped[FollowTarget] = mapped_column(str_enum(FollowTarget))
    target_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NotificationEvent(Model):
    """Something residents may be told of, recorded in the transaction that made it happen
    (so an event exists only if its change was committed) and fanned out by the worker."""

    __tablename__ = "notification_event"
    __table_args__ = (Index("ix_notification_event_undispatched", "dispatched_at", "id"),
                      Index("ix_notification_event_term", "term_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    # The id of the signal's sender (a report, a promise, a flag, a comment, a petition...).
    subject_id: Mapped[int] = mapped_column(Integer)
    term_id: Mapped[int | None] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(Model):
    """One recipient of one event: the delivery's state, tries and last error."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      Index("ix_notification_status", "status", "id"),
                      Index("ix_notification_user", "user_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("notification_event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus),
                                                   default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The SMTP error without the address (e.g. "SMTPServerDisconnected: Connection closed").
    last_error: Mapped[str | None] = mapped_column(String(300))
    # Held rows: when they may go (the digest's hour, the end of quiet hours); `digest` rows
    # go together in one mail per user.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[NotificationEvent] = relationship()
    user: Mapped[User] = relationship()


class NotificationSettings(Model):
    """A user's mail settings: quiet hours (Asia/Almaty wall clock) and "no mail at all".
    No row: every kind immediately, no quiet hours."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)


class NotificationPreference(Model):
    """How often a user hears of one kind of event; no row means immediately."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind), primary_key=True)
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency))


class UndeliveredBecause(enum.StrEnum):
    """Why mail to an address stopped (shown to its owner on My portal)."""

    REFUSED = "refused"  # our mail server refused the recipient for good (5xx) while sending
    BOUNCED = "bounced"  # a delivery status notification said it failed for good (RFC 3464)
    COMPLAINED = "complained"  # the recipient reported our mail as spam (RFC 5965 report)


class UndeliverableAddress(Model):
    """An address the mail server refused for good (5xx), or that bounced or complained:
    never written to again until the owner changes it."""

    __tablename__ = "undeliverable_address"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    kind: Mapped[UndeliveredBecause] = mapped_column(
        str_enum(UndeliveredBecause, length=16), default=UndeliveredBecause.REFUSED,
        server_default=UndeliveredBecause.REFUSED.value)
    # The server's words (status code and text), never the address itself.
    reason: Mapped[str] = mapped_column(String(300))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
