"""Bounces and complaints coming back from the mail system: an address that failed for good or
whose owner reported our mail as spam is written to no more.

They arrive as mail to the envelope sender of our notifications (`MAIL_RETURN_PATH`): the
receiving servers' delivery status notifications (RFC 3464, `multipart/report;
report-type=delivery-status`) and the mailbox providers' feedback-loop complaints (RFC 5965,
`report-type=feedback-report`). The mail server hands each one to `flask notifications intake`
(docs/notifications.md), which calls `intake` here.

Anyone can send mail to that address, so a report counts only when it proves it is about a
mail we sent to that address: the original's headers, which both kinds of report return, must
carry our signed `List-Unsubscribe` token naming the same address. A forged bounce could then
only come from someone holding a mail of ours to that address, who could stop it anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser

from itsdangerous import BadSignature
from sqlalchemy import select

from portal import audit
from portal.accounts.models import User
from portal.extensions import db
from portal.notifications import delivery
from portal.notifications.models import UndeliveredBecause

TOKEN = re.compile(r"/unsubscribe/([A-Za-z0-9_.\-]+)")
ADDRESS = re.compile(r"<?[^\s<>@;]+@[^\s<>;]+>?")
# RFC 5965 feedback types that mean "this is unwanted": a complaint (`abuse`); `fraud` and
# `virus` reports are about the content, and `not-spam` is the opposite.
COMPLAINT_TYPES = frozenset({"abuse"})


class NotAReport(ValueError):
    """The message is no bounce or complaint about a mail of ours: nothing is recorded."""


@dataclass(frozen=True)
class Outcome:
    """What one report said about one address and what was done."""

    email: str
    kind: UndeliveredBecause | None  # None: a passing failure, nothing to stop
    detail: str  # the status and the server's words, or the feedback type
    stopped: bool  # False when the address had been stopped already, or kind is None

    def describe(self) -> str:
        """One line for the mail server's log: the address masked, never whole."""
        local, _, domain = self.email.partition("@")
        masked = f"{local[:1]}***@{domain}"
        if self.kind is None:
            return f"{masked}: passing failure ({self.detail}), nothing stopped"
        if not self.stopped:
            return f"{masked}: {self.kind.value} ({self.detail}), stopped already"
        return f"{masked}: {self.kind.value} ({self.detail}), mail stopped"


def _original_headers(report: Message) -> Message | None:
    """The headers of the mail the report is about (text/rfc822-headers or message/rfc822)."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            return HeaderParser(policy=policy.default).parsestr(text)
        if kind in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
    return None


def _addressed(original: Message | None) -> str:
    """The address our signed token in the original's List-Unsubscribe names."""
    found = TOKEN.search(str(original.get("List-Unsubscribe", ""))) if original else None
    if found is None:
        raise NotAReport("the returned headers carry no List-Unsubscribe link of ours")
    try:
        _user_id, email = delivery._serializer().loads(found.group(1))
    except (BadSignature, ValueError, TypeError):
        raise NotAReport("the List-Unsubscribe link in the returned headers is not signed "
                         "by this portal") from None
    return str(email)


def _field_address(value: object) -> str:
    """`rfc822; someone@example.kz` → `someone@example.kz`."""
    return str(value or "").rpartition(";")[2].strip().strip("<>").lower()


def _blocks(report: Message, content_type: str) -> list[Message]:
    for part in report.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload()
            return [block for block in payload if isinstance(block, Message)] if isinstance(
                payload, list) else []
    return []


def read(raw: bytes) -> list[tuple[str, UndeliveredBecause | None, str]]:
    """(address, kind or None for a passing failure, detail) per recipient the report is
    about; raises NotAReport when it is not a bounce or complaint about a mail of ours."""
    report = BytesParser(policy=policy.default).parsebytes(raw)
    if report.get_content_type() != "multipart/report":
        raise NotAReport("not a multipart/report message (RFC 6522)")
    report_type = str(report.get_param("report-type", "")).lower()
    ours = _addressed(_original_headers(report)).lower()
    if report_type == "delivery-status":
        found = []
        for block in _blocks(report, "message/delivery-status")[1:]:  # per recipient
            address = _field_address(block.get("Final-Recipient")
                                     or block.get("Original-Recipient"))
            if address != ours:
                raise NotAReport("the report names another address than the mail it returns")
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            if action not in ("failed", "delayed"):
                continue  # delivered, relayed, expanded: nothing went wrong
            # The server's words without the address (it is the key, never the text).
            words = ADDRESS.sub("<address>",
                                str(block.get("Diagnostic-Code", "")).partition(";")[2].strip())
            detail = f"{status} {words}".strip()
            hard = action == "failed" and status.startswith("5")
            found.append((address, UndeliveredBecause.BOUNCED if hard else None, detail))
        if not found:
            raise NotAReport("the delivery status names no failed recipient")
        return found
    if report_type == "feedback-report":
        blocks = _blocks(report, "message/feedback-report")
        if not blocks:
            raise NotAReport("the feedback report has no message/feedback-report part")
        fields = blocks[0]
        feedback = str(fields.get("Feedback-Type", "")).strip().lower()
        named = _field_address(fields.get("Original-Rcpt-To"))
        # Providers often redact the recipient (RFC 6590); an unredacted one must agree.
        if named and "@" in named and "redacted" not in named and named != ours:
            raise NotAReport("the report names another address than the mail it returns")
        kind = UndeliveredBecause.COMPLAINED if feedback in COMPLAINT_TYPES else None
        return [(ours, kind, f"feedback: {feedback or 'unknown'}")]
    raise NotAReport(f"report-type {report_type or 'missing'} is neither delivery-status nor "
                     "feedback-report")


def intake(raw: bytes) -> list[Outcome]:
    """Record what one report says, in the current transaction (the caller commits): a hard
    bounce or a complaint stops all mail to the address and is audited."""
    outcomes = []
    for email, kind, detail in read(raw):
        stopped = False
        if kind is not None:
            stopped = delivery.mark_undeliverable(email, detail, kind)
            if stopped:
                owner = db.session.scalar(select(User).where(User.email == email))
                audit.record("mail", f"notifications.{kind.value}", owner, None,
                             {"detail": detail[:200]})
        outcomes.append(Outcome(email, kind, detail, stopped))
    return outcomes
