"""What one recipient reads about one event: subject, template and context, links included.

Runs in the job worker, without a request: every link is built on PUBLIC_BASE_URL with
`public_url`. The text is rendered later by `portal.mail` in the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.akims.models import Term
from portal.api.serialize import public_url
from portal.extensions import db
from portal.feedback.models import Comment
from portal.notifications.models import EventKind, NotificationEvent
from portal.promises.models import Promise, PromiseUpdate
from portal.recall.models import Flag, Petition
from portal.reports.models import Report, ReportVersion

SUBJECTS: dict[EventKind, Any] = {
    EventKind.REPORT_PUBLISHED: _l("The akim published a report"),
    EventKind.REPORT_AMENDED: _l("The akim corrected a published report"),
    EventKind.MEETING_SCHEDULED: _l("The akim scheduled a meeting with residents"),
    EventKind.PROMISE_STATUS_CHANGED: _l("A promise's status has changed"),
    EventKind.VERDICT_RECORDED: _l("A verdict was recorded on a promise"),
    EventKind.FLAGS_RAISED: _l("A recall-trigger flag was raised on your record"),
    EventKind.FLAG_RESPONDED: _l("The akim responded to a civic accountability signal"),
    EventKind.FLAG_DECIDED: _l("The portal's moderators decided on a flag on your record"),
    EventKind.OFFICIAL_REPLY_POSTED: _l("The akim replied to your comment"),
    EventKind.PETITION_THRESHOLD_REACHED: _l("A recall petition reached its threshold"),
}


# What became of an announced meeting (`signals.meeting_changed`), said in the subject.
MEETING_CHANGES: dict[str, Any] = {
    "changed": _l("The akim changed the time or place of a meeting with residents"),
    "cancelled": _l("The akim cancelled a meeting with residents"),
}


@dataclass
class Message:
    subject: Any
    template: str  # under templates/mail/
    link: str  # the page the mail is about
    context: dict[str, Any] = field(default_factory=dict)


class Gone(Exception):
    """The event's subject no longer exists (deleted since): nothing to tell."""


def _term(term_id: int | None) -> Term | None:
    if term_id is None:
        return None
    return db.session.scalar(select(Term).options(joinedload(Term.akim),
                                                  joinedload(Term.rural_district))
                             .where(Term.id == term_id))


def _get(model: Any, ident: int) -> Any:
    found = db.session.get(model, ident)
    if found is None:
        raise Gone(f"{model.__name__} {ident}")
    return found


def compose(event: NotificationEvent, user: User) -> Message:
    """The message `user` receives about `event` (raises `Gone` if its subject was deleted)."""
    kind = event.kind
    flags: list[Flag] = []
    if kind is EventKind.FLAGS_RAISED:  # one evaluation, many akims: this one's flags only
        flags = list(db.session.scalars(
            select(Flag).join(Term, Term.id == Flag.term_id)
            .where(Flag.id.in_(event.data["flag_ids"]), Term.akim_id == user.akim_id)
            .order_by(Flag.id)))
        if not flags:
            raise Gone("flags")
    term = _term(flags[0].term_id if flags else event.term_id)
    context: dict[str, Any] = {"term": term, "user": user, "event": event,
                               "is_akim": term is not None and user.akim_id == term.akim_id}
    template = f"notifications/{kind.value}"
    if kind in (EventKind.REPORT_PUBLISHED, EventKind.REPORT_AMENDED):
        report = _get(Report, event.subject_id)
        link = public_url("reports.show", report_id=report.id)
        context["report"] = report
        if kind is EventKind.REPORT_AMENDED and event.data.get("version_id"):
            context["version"] = db.session.get(ReportVersion, event.data["version_id"])
    elif kind in (EventKind.PROMISE_STATUS_CHANGED, EventKind.VERDICT_RECORDED):
        promise = _get(Promise, event.subject_id)
        context["promise"] = promise
        context["update"] = _get(PromiseUpdate, event.data["update_id"])
        link = public_url("promises.page", promise_id=promise.id)
        template = "notifications/promise_status_changed"
    elif kind is EventKind.FLAGS_RAISED:
        context["items"] = [(flag, public_url("recall.respond", flag_id=flag.id))
                            for flag in flags]
        context["akim"] = term.akim if term else None
        context["methodology"] = public_url("recall.methodology")
        link = context["items"][0][1]
    elif kind in (EventKind.FLAG_RESPONDED, EventKind.FLAG_DECIDED):
        flag = _get(Flag, event.subject_id)
        context["flag"] = flag
        link = public_url("recall.flag", flag_id=flag.id)
    elif kind is EventKind.OFFICIAL_REPLY_POSTED:
        reply = db.session.scalar(select(Comment).options(joinedload(Comment.parent))
                                  .where(Comment.id == event.subject_id))
        if reply is None or reply.parent is None:
            raise Gone(f"comment {event.subject_id}")
        page = (public_url("reports.show", report_id=reply.report_id)
                if reply.report_id is not None
                else public_url("promises.page", promise_id=reply.promise_id or 0))
        link = f"{page}#comment-{reply.parent.id}"
        context.update(reply=reply, comment=reply.parent)
    elif kind is EventKind.PETITION_THRESHOLD_REACHED:
        petition = _get(Petition, event.subject_id)
        context["petition"] = petition
        link = public_url("recall.petition", petition_id=petition.id)
    else:  # a meeting with residents
        from portal.meetings.models import Meeting

        meeting = _get(Meeting, event.subject_id)
        context["meeting"] = meeting
        link = public_url("meetings.show", meeting_id=meeting.id)
        change = (event.data or {}).get("change")
        if change in MEETING_CHANGES:
            template = "notifications/meeting_changed"
            context["change"] = change
    context["link"] = link
    subject = SUBJECTS[kind]
    if kind is EventKind.MEETING_SCHEDULED and context.get("change") in MEETING_CHANGES:
        subject = MEETING_CHANGES[context["change"]]
    if kind is EventKind.FLAG_DECIDED and not context["is_akim"] and term is not None:
        subject = _l("The portal's moderators decided on a flag about %(akim)s",
                     akim=term.akim.name)
    return Message(subject, template, link, context)
