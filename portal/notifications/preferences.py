"""A user's mail settings and the things they follow, as the "My follows" page edits them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import time
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.accounts.models import User
from portal.akims.models import Akim, Term
from portal.extensions import db
from portal.geo.models import District, Region, RuralDistrict
from portal.notifications import follows as following
from portal.notifications.models import (
    EventKind,
    Follow,
    FollowTarget,
    Frequency,
    NotificationPreference,
    NotificationSettings,
    UndeliverableAddress,
)
from portal.promises.models import Promise
from portal.recall.models import Petition

MODELS: dict[FollowTarget, Any] = {
    FollowTarget.AKIM: Akim, FollowTarget.RURAL_DISTRICT: RuralDistrict,
    FollowTarget.DISTRICT: District, FollowTarget.REGION: Region,
    FollowTarget.PROMISE: Promise, FollowTarget.PETITION: Petition,
}


@dataclass(frozen=True)
class Settings:
    paused: bool
    quiet_start: time | None
    quiet_end: time | None
    frequencies: dict[EventKind, Frequency]


@dataclass(frozen=True)
class Followed:
    target: FollowTarget
    target_id: int
    name: str
    url: str
    by_default: bool  # the resident's own akim, followed without asking


def settings_of(user: User) -> Settings:
    row = db.session.get(NotificationSettings, user.id)
    chosen = {kind: Frequency(frequency) for kind, frequency in db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.frequency)
        .where(NotificationPreference.user_id == user.id))}
    return Settings(bool(row and row.paused), row.quiet_start if row else None,
                    row.quiet_end if row else None,
                    {kind: chosen.get(kind, Frequency.IMMEDIATELY) for kind in EventKind})


def _settings_row(user: User) -> NotificationSettings:
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id, paused=False)
        db.session.add(row)
    return row


def pause(user: User, paused: bool) -> None:
    """Stop (or resume) every email to this account."""
    _settings_row(user).paused = paused
    db.session.flush()
    audit.record(user, "notifications.pause" if paused else "notifications.resume", user)


def write_again(user: User) -> bool:
    """The owner says their address works again (a full mailbox emptied, a spam report made
    by mistake): mail to it may go again. False when it was not stopped. If it still fails
    for good, the next bounce or refusal stops it again."""
    stopped = db.session.get(UndeliverableAddress, user.email)
    if stopped is None:
        return False
    before = {"kind": stopped.kind.value, "marked_at": stopped.marked_at.isoformat()}
    db.session.delete(stopped)
    db.session.flush()
    audit.record(user, "notifications.write_again", user, before, None)
    return True


def save(user: User, settings: Settings) -> None:
    row = _settings_row(user)
    before = {"paused": row.paused}
    row.paused, row.quiet_start, row.quiet_end = (settings.paused, settings.quiet_start,
                                                  settings.quiet_end)
    stored = {pref.kind: pref for pref in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, frequency in settings.frequencies.items():
        pref = stored.get(kind)
        if frequency is Frequency.IMMEDIATELY:
            if pref is not None:
                db.session.delete(pref)
        elif pref is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind,
                                                  frequency=frequency))
        else:
            pref.frequency = frequency
    db.session.flush()
    audit.record(user, "notifications.settings", user, before, {"paused": settings.paused})


def find(target: FollowTarget, target_id: int) -> Any:
    """The public thing a follow names, or None."""
    return db.session.get(MODELS[target], target_id)


def describe(target: FollowTarget, obj: Any) -> tuple[str, str]:
    """(name, page) of a followed thing, for lists and links."""
    if target is FollowTarget.AKIM:
        return obj.name, url_for("akims.profile", akim_id=obj.id)
    if target is FollowTarget.RURAL_DISTRICT:
        return obj.name, url_for("geo.rural_district", kato=obj.kato)
    if target is FollowTarget.DISTRICT:
        return obj.name, url_for("geo.district", kato4=obj.kato4)
    if target is FollowTarget.REGION:
        return obj.name, url_for("geo.region", kato2=obj.kato2)
    if target is FollowTarget.PROMISE:
        return f"{obj.number}. {obj.title}", url_for("promises.page", promise_id=obj.id)
    return obj.term.akim.name, url_for("recall.petition", petition_id=obj.id)


def _followed_things(wanted: dict[FollowTarget, set[int]]) -> dict[tuple[FollowTarget, int], Any]:
    """The things followed, one query per kind of target (a petition with its akim, whose name
    it is listed under) rather than one or three per row."""
    found: dict[tuple[FollowTarget, int], Any] = {}
    for target, ids in wanted.items():
        model = MODELS[target]
        statement = select(model).where(model.id.in_(sorted(ids)))
        if target is FollowTarget.PETITION:
            statement = statement.options(joinedload(Petition.term).joinedload(Term.akim))
        found.update(((target, obj.id), obj) for obj in db.session.scalars(statement))
    return found


def follows_of(user: User, known_default: tuple[int | None] | None = None) -> list[Followed]:
    """Everything the user follows: the rows, and their own akim unless they stopped.
    `known_default` spares the lookup of that akim when the caller has it already."""
    rows = list(db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                                   .order_by(Follow.target, Follow.id)))
    default = known_default[0] if known_default else following.default_akim_id(user)
    # Their own akim without a row (a row, active or not, says what they chose).
    implicit = [] if default is None or any(
        row.target is FollowTarget.AKIM and row.target_id == default for row in rows) else [
        (FollowTarget.AKIM, default, True)]
    listed = implicit + [(row.target, row.target_id,
                          row.target is FollowTarget.AKIM and row.target_id == default)
                         for row in rows if row.active]
    wanted: dict[FollowTarget, set[int]] = defaultdict(set)
    for target, target_id, _by_default in listed:
        wanted[target].add(target_id)
    things = _followed_things(wanted)
    result: list[Followed] = []
    for target, target_id, by_default in listed:
        obj = things.get((target, target_id))
        if obj is None:  # deleted since it was followed
            continue
        name, url = describe(target, obj)
        result.append(Followed(target, obj.id, name, url, by_default))
    return result
