"""Telling a commenter by email that the akim replied officially (after the commit)."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import mail
from portal.akims.models import Term
from portal.api.serialize import public_url
from portal.extensions import db
from portal.feedback.comments import target_of
from portal.feedback.models import Comment

log = logging.getLogger(__name__)

# Synthetic residents of the seed have addresses that can never receive mail.
UNDELIVERABLE_SUFFIX = ".invalid"


def official_reply_posted(reply_id: int) -> bool:
    """Email the author of the comment answered; False when there is nobody to tell."""
    reply = db.session.scalar(
        select(Comment).options(joinedload(Comment.parent).joinedload(Comment.author),
                                joinedload(Comment.term).joinedload(Term.akim),
                                joinedload(Comment.term).joinedload(Term.rural_district))
        .where(Comment.id == reply_id))
    if reply is None or reply.parent is None:
        return False
    recipient = reply.parent.author
    if (recipient is None or not recipient.is_active_account
            or recipient.email.endswith(UNDELIVERABLE_SUFFIX) or recipient.id == reply.author_id):
        return False
    kind, target_id = target_of(reply)
    # The job worker has no request: the link is built on PUBLIC_BASE_URL alone.
    page = (public_url("reports.show", report_id=target_id) if kind == "report"
            else public_url("promises.page", promise_id=target_id))
    link = f"{page}#comment-{reply.parent.id}"
    language = recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        mail.send(recipient.email, _l("The akim replied to your comment"),
                  "comment_official_reply", language, reply=reply, comment=reply.parent,
                  term=reply.term, link=link)
    except OSError:
        # Logged without the address: the reply itself is saved and shown.
        log.exception("could not send an official reply email (comment %s)", reply.parent.id)
        return False
    return True
