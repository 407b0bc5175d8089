"""Residents answer "is it done?" on the akim's current claim, and anyone signed in may follow.

One vote per resident per claim, enforced by a unique index; changing a vote updates the row.
The claim's counts (and their mirror on the promise) change in the same transaction, by
relative UPDATEs, so simultaneous votes never lose a count.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.modeling import utcnow
from portal.notifications import follows
from portal.notifications.models import FollowTarget
from portal.promises.errors import PromiseError
from portal.promises.models import (
    Promise,
    PromiseUpdate,
    PromiseVote,
    UpdateKind,
    VoteChoice,
)

COMMENT_MAX = 500


def current_claim(promise: Promise) -> PromiseUpdate | None:
    """The claim residents answer now: the latest claim, unless a reopening came after it."""
    latest = db.session.scalar(
        select(PromiseUpdate)
        .where(PromiseUpdate.promise_id == promise.id,
               PromiseUpdate.kind.in_((UpdateKind.CLAIM, UpdateKind.REOPEN)))
        .order_by(PromiseUpdate.created_at.desc(), PromiseUpdate.id.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.kind == UpdateKind.CLAIM else None


def current_claim_in(updates: list[PromiseUpdate]) -> PromiseUpdate | None:
    """The same, from a timeline already loaded in order (no query)."""
    for entry in reversed(updates):
        if entry.kind == UpdateKind.CLAIM:
            return entry
        if entry.kind == UpdateKind.REOPEN:
            return None
    return None


def cast_vote(promise: Promise, claim_id: int, user: User, choice: VoteChoice,
              comment: str | None = None) -> PromiseVote:
    """Record or change `user`'s answer to the current claim. The caller has checked that the
    user is a verified resident (Permission.PROMISES_VOTE on the promise)."""
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise PromiseError(_("The comment can have at most %(max)d characters.",
                             max=COMMENT_MAX), "comment")
    claim = current_claim(promise)
    if claim is None:
        raise PromiseError(_("There is no claim by the akim to confirm or dispute yet."))
    if claim.id != claim_id:
        raise PromiseError(_("The akim has posted a newer update since you opened the page. "
                             "Read it and answer again."))
    vote = _existing(claim.id, user.id)
    previous: VoteChoice | None = None
    if vote is None:
        vote = PromiseVote(update_id=claim.id, user_id=user.id, choice=choice, comment=comment)
        try:
            with db.session.begin_nested():
                db.session.add(vote)
        except IntegrityError:
            # The same resident's other request got there first: become an update of its row.
            vote = _existing(claim.id, user.id)
            if vote is None:  # pragma: no cover - the unique index guarantees a row
                raise
            previous = vote.choice
        else:
            _count(claim, promise, choice, +1)
    else:
        previous = vote.choice
    if previous is not None:
        if previous != choice:
            _count(claim, promise, previous, -1)
            _count(claim, promise, choice, +1)
        vote.choice, vote.comment, vote.updated_at = choice, comment, utcnow()
    db.session.flush()
    audit.record(user, "promise.vote", promise,
                 {"choice": previous.value} if previous else None,
                 {"choice": choice.value, "update_id": claim.id})
    return vote


def take_write_lock(promise_id: int) -> None:
    """SQLite has one writer at a time: make a harmless write the transaction's first
    statement, so it waits its turn (busy_timeout) and then reads the latest rows, instead
    of failing later on a stale snapshot. PostgreSQL locks rows instead; nothing to do."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(update(Promise).where(Promise.id == promise_id)
                       .values(confirm_count=Promise.confirm_count)
                       .execution_options(synchronize_session=False))


def _existing(claim_id: int, user_id: int) -> PromiseVote | None:
    # FOR UPDATE (PostgreSQL): a second request of the same resident waits for the first, so
    # a change of mind is never counted twice. SQLite serialises writers anyway.
    return db.session.scalar(
        select(PromiseVote)
        .where(PromiseVote.update_id == claim_id, PromiseVote.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _count(claim: PromiseUpdate, promise: Promise, choice: VoteChoice, delta: int) -> None:
    """Relative increments in SQL: concurrent voters never overwrite each other's counts."""
    column = "confirm_count" if choice is VoteChoice.CONFIRM else "dispute_count"
    for model, row_id in ((PromiseUpdate, claim.id), (Promise, promise.id)):
        target = getattr(model, column)
        db.session.execute(
            update(model).where(model.id == row_id).values({column: target + delta})
            .execution_options(synchronize_session=False)
        )
    db.session.expire(claim, ["confirm_count", "dispute_count"])
    db.session.expire(promise, ["confirm_count", "dispute_count"])


@dataclass(frozen=True)
class ViewerState:
    choice: VoteChoice | None
    comment: str | None
    following: bool


def viewer_state(promise: Promise, claim: PromiseUpdate | None, user: User) -> ViewerState:
    """The viewer's answer to the current claim and whether they follow: one query."""
    following = follows.following_clause(user.id, FollowTarget.PROMISE, promise.id)
    mine = (PromiseVote.update_id == (claim.id if claim else -1)) & (PromiseVote.user_id == user.id)
    choice = select(PromiseVote.choice).where(mine).scalar_subquery()
    comment = select(PromiseVote.comment).where(mine).scalar_subquery()
    row = db.session.execute(select(choice, comment, following)).one()
    return ViewerState(VoteChoice(row[0]) if row[0] else None, row[1], bool(row[2]))


def follow(promise: Promise, user: User) -> bool:
    """Start following; False when already following (a double click is harmless)."""
    return follows.follow(user, FollowTarget.PROMISE, promise.id, promise)


def unfollow(promise: Promise, user: User) -> bool:
    return follows.unfollow(user, FollowTarget.PROMISE, promise.id, promise)
