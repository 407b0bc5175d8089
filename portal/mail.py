"""Sending email: SMTP when MAIL_SERVER is configured, otherwise a file in instance/outbox/.

Messages are plain text rendered from templates/mail/<name>.txt in the recipient's language.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)


def send(to: str, subject: str, template: str, language: str | None = None,
         headers: dict[str, str] | None = None, **context: Any) -> EmailMessage:
    """Render `templates/mail/<template>.txt` and deliver it, with any extra `headers`
    (List-Unsubscribe...). Returns the message."""
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        body = render_template(f"mail/{template}.txt", **context)
        subject_text = str(subject)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject_text
    message["Message-ID"] = make_msgid(domain="akim-portal.kz")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if current_app.config.get("MAIL_SERVER"):
        _send_smtp(message)
    else:
        _write_outbox(message)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        # The envelope sender: bounces and complaints go there (`flask notifications intake`).
        smtp.send_message(message, from_addr=config.get("MAIL_RETURN_PATH") or None)
    log.info("mail sent by SMTP: %s", message["Message-ID"])


def _write_outbox(message: EmailMessage) -> Path:
    # Plain 8-bit text, not quoted-printable: a person reads these files and follows the
    # links in them, which quoted-printable would break across lines.
    message.set_content(message.get_content(), cte="8bit")
    outbox = Path(current_app.config["OUTBOX_FOLDER"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}.eml"
    path.write_bytes(bytes(message))
    # The log names the file, not the address or the content (tokens stay out of logs).
    log.info("mail written to %s (no MAIL_SERVER configured)", path)
    return path


def outbox_messages() -> list[EmailMessage]:
    """Messages in the outbox, oldest first (used by tests and local development)."""
    from email import policy
    from email.parser import BytesParser

    outbox = Path(current_app.config["OUTBOX_FOLDER"])
    if not outbox.exists():
        return []
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]
