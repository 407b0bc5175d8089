"""Who is told of an event: one rule per kind of event, and one deliverability rule for all.

Every kind names its audience as a query of user ids (followers of the place or the person,
of the promise or petition, the akim's own account, the author answered); `deliverable`
then keeps the accounts mail may go to. Nobody is told of their own action.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, false, or_, select, union
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.akims.models import Term
from portal.extensions import db
from portal.feedback.models import Comment
from portal.geo.models import District, RuralDistrict
from portal.modeling import utcnow
from portal.notifications.models import (
    EventKind,
    Follow,
    FollowTarget,
    NotificationEvent,
    UndeliverableAddress,
)
from portal.recall.models import Flag, PetitionSignature

# Synthetic residents of the seed have addresses that can never receive mail.
UNDELIVERABLE_SUFFIX = ".invalid"

AREA_KINDS = frozenset({EventKind.REPORT_PUBLISHED, EventKind.REPORT_AMENDED,
                        EventKind.MEETING_SCHEDULED, EventKind.FLAG_RESPONDED})


def _followers(target: FollowTarget, target_id: Any) -> Select[Any]:
    return select(Follow.user_id).where(Follow.target == target, Follow.target_id == target_id,
                                        Follow.active.is_(True))


def area_followers(term_id: int) -> Select[Any]:
    """Followers of the term's akim, its rural district, district or region, and the verified
    residents of the rural district, who follow their akim unless they stopped."""
    place = (select(Term.akim_id, Term.rural_district_id, RuralDistrict.district_id,
                    District.region_id)
             .join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
             .join(District, District.id == RuralDistrict.district_id)
             .where(Term.id == term_id).subquery())
    stopped = aliased(Follow)
    return union(
        select(Follow.user_id).join(place, or_(
            and_(Follow.target == FollowTarget.AKIM, Follow.target_id == place.c.akim_id),
            and_(Follow.target == FollowTarget.RURAL_DISTRICT,
                 Follow.target_id == place.c.rural_district_id),
            and_(Follow.target == FollowTarget.DISTRICT,
                 Follow.target_id == place.c.district_id),
            and_(Follow.target == FollowTarget.REGION, Follow.target_id == place.c.region_id),
        )).where(Follow.active.is_(True)),
        select(User.id).join(place, User.rural_district_id == place.c.rural_district_id)
        .where(User.resident_verified_at.is_not(None), ~exists().where(
            stopped.user_id == User.id, stopped.target == FollowTarget.AKIM,
            stopped.target_id == place.c.akim_id, stopped.active.is_(False))),
    ).subquery().select()


def akim_accounts(term_id: int) -> Select[Any]:
    return select(User.id).join(Term, Term.akim_id == User.akim_id).where(Term.id == term_id)


def audience(event: NotificationEvent) -> Select[Any] | None:
    """The ids of everyone the event concerns, before deliverability and preferences."""
    kind, term_id = event.kind, event.term_id
    if kind is EventKind.OFFICIAL_REPLY_POSTED:
        parent = aliased(Comment)
        return (select(parent.author_id).join(Comment, Comment.parent_id == parent.id)
                .where(Comment.id == event.subject_id, parent.author_id.is_not(None)))
    if kind is EventKind.FLAGS_RAISED:
        # Hidden from the public for the response window: only each akim is told, of their own.
        return (select(User.id).join(Term, Term.akim_id == User.akim_id)
                .join(Flag, Flag.term_id == Term.id).where(Flag.id.in_(event.data["flag_ids"])))
    if term_id is None:
        return None
    if kind in AREA_KINDS:
        return area_followers(term_id)
    if kind in (EventKind.PROMISE_STATUS_CHANGED, EventKind.VERDICT_RECORDED):
        return union(area_followers(term_id), akim_accounts(term_id),
                     _followers(FollowTarget.PROMISE, event.subject_id)).subquery().select()
    if kind is EventKind.FLAG_DECIDED:
        public = exists().where(Flag.id == event.subject_id, Flag.public_from <= utcnow())
        return union(akim_accounts(term_id),
                     area_followers(term_id).where(public)).subquery().select()
    if kind is EventKind.PETITION_THRESHOLD_REACHED:
        signers = select(PetitionSignature.user_id).where(
            PetitionSignature.petition_id == event.subject_id,
            PetitionSignature.withdrawn_at.is_(None))
        return union(area_followers(term_id), akim_accounts(term_id), signers,
                     _followers(FollowTarget.PETITION, event.subject_id)).subquery().select()
    return select(User.id).where(false())


def deliverable(ids: Select[Any], actor_id: int | None) -> Select[Any]:
    """The one deliverability rule: an active account with a confirmed address that has not
    bounced or complained, and not the person who acted."""
    query = select(User.id).where(
        User.id.in_(ids),
        User.is_active_account.is_(True), User.email_confirmed_at.is_not(None),
        ~User.email.endswith(UNDELIVERABLE_SUFFIX),
        ~exists().where(UndeliverableAddress.email == User.email))
    if actor_id is not None:
        query = query.where(User.id != actor_id)
    return query.order_by(User.id)


def recipients(event: NotificationEvent) -> list[int]:
    ids = audience(event)
    if ids is None:
        return []
    return list(db.session.scalars(deliverable(ids, event.actor_id)))


