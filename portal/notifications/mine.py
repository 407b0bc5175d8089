"""What "My portal" shows a signed-in resident: their akim, follows and their own activity.

Each list is one query, newest first, at most `LIMIT` rows: ratings, comments, answers to
"is it done?" and petition signatures (withdrawn ones are not shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.akims.models import Akim, Term, TermStatus
from portal.extensions import db
from portal.feedback.models import Comment, Rating
from portal.notifications import preferences
from portal.notifications.models import UndeliverableAddress
from portal.promises.models import Promise, PromiseUpdate, PromiseVote
from portal.recall.models import Petition, PetitionSignature

LIMIT = 20


@dataclass(frozen=True)
class MyPortal:
    akim: Akim | None
    follows: list[preferences.Followed]
    ratings: list[Rating]
    comments: list[Comment]
    votes: list[tuple[PromiseVote, Promise]]
    signatures: list[tuple[PetitionSignature, Petition]]
    # Why mail to the account's address stopped (refused, bounced, complained), if it did.
    mail_stopped: UndeliverableAddress | None = None


def my_portal(user: User) -> MyPortal:
    # The resident's own akim in one query (the serving term of their rural district).
    akim = db.session.scalar(
        select(Akim).join(Term, Term.akim_id == Akim.id)
        .where(Term.rural_district_id == user.rural_district_id,
               Term.status == TermStatus.SERVING)) if user.is_verified_resident else None
    ratings = list(db.session.scalars(
        select(Rating).where(Rating.user_id == user.id)
        .order_by(Rating.updated_at.desc(), Rating.id.desc()).limit(LIMIT)))
    comments = list(db.session.scalars(
        select(Comment).where(Comment.author_id == user.id)
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(LIMIT)))
    votes: list[Any] = list(db.session.execute(
        select(PromiseVote, Promise)
        .join(PromiseUpdate, PromiseUpdate.id == PromiseVote.update_id)
        .join(Promise, Promise.id == PromiseUpdate.promise_id)
        .where(PromiseVote.user_id == user.id)
        .order_by(PromiseVote.updated_at.desc(), PromiseVote.id.desc()).limit(LIMIT)))
    signatures: list[Any] = list(db.session.execute(
        select(PetitionSignature, Petition)
        .join(Petition, Petition.id == PetitionSignature.petition_id)
        .options(joinedload(Petition.term).joinedload(Term.akim))
        .where(PetitionSignature.user_id == user.id, PetitionSignature.withdrawn_at.is_(None))
        .order_by(PetitionSignature.signed_at.desc()).limit(LIMIT)))
    followed = preferences.follows_of(user, (akim.id if akim else None,))
    return MyPortal(akim, followed, ratings, comments,
                    [(vote, promise) for vote, promise in votes],
                    [(signature, petition) for signature, petition in signatures],
                    db.session.get(UndeliverableAddress, user.email))
