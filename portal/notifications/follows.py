"""Following public things: start, stop, and whether a user follows (one query each).

A verified resident follows the akim of their rural district by default, without a row;
stopping writes a row with `active` false so the default is not applied again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.akims.models import Term, TermStatus
from portal.extensions import db
from portal.notifications.models import Follow, FollowTarget


def default_akim_id(user: User) -> int | None:
    """The akim a verified resident follows by default: the serving akim of their district."""
    if not user.is_verified_resident:
        return None
    return db.session.scalar(
        select(Term.akim_id).where(Term.rural_district_id == user.rural_district_id,
                                   Term.status == TermStatus.SERVING))


def is_following(user: User, target: FollowTarget, target_id: int) -> bool:
    row = db.session.scalar(select(Follow.active).where(
        Follow.user_id == user.id, Follow.target == target, Follow.target_id == target_id))
    if row is not None:
        return bool(row)
    return target is FollowTarget.AKIM and default_akim_id(user) == target_id


def follow(user: User, target: FollowTarget, target_id: int, subject: object) -> bool:
    """Start following; False when already following (a double click is harmless)."""
    row = db.session.scalar(select(Follow).where(
        Follow.user_id == user.id, Follow.target == target, Follow.target_id == target_id))
    if row is not None:
        if row.active:
            return False
        row.active = True
    else:
        try:
            with db.session.begin_nested():
                db.session.add(Follow(user_id=user.id, target=target, target_id=target_id))
        except IntegrityError:
            return False
    db.session.flush()
    audit.record(user, f"{target.value}.follow", subject)
    return True


def unfollow(user: User, target: FollowTarget, target_id: int, subject: object) -> bool:
    """Stop following; for the default follow of one's own akim, remember the refusal."""
    row = db.session.scalar(select(Follow).where(
        Follow.user_id == user.id, Follow.target == target, Follow.target_id == target_id))
    if row is None:
        if not (target is FollowTarget.AKIM and default_akim_id(user) == target_id):
            return False
        db.session.add(Follow(user_id=user.id, target=target, target_id=target_id,
                              active=False))
    elif not row.active:
        return False
    elif target is FollowTarget.AKIM and default_akim_id(user) == target_id:
        row.active = False
    else:
        db.session.delete(row)
    db.session.flush()
    audit.record(user, f"{target.value}.unfollow", subject)
    return True


def following_clause(user_id: int, target: FollowTarget, target_id: Any) -> Any:
    """An EXISTS usable inside another query (pages that show a follow button)."""
    return exists().where(and_(Follow.user_id == user_id, Follow.target == target,
                               Follow.target_id == target_id, Follow.active.is_(True)))
