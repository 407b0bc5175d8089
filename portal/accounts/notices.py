"""Emails about accounts, built by services as plain values and sent by views after commit.

Sending after the commit means nobody gets a link to a token that was rolled back. Every
branch of registration and password reset produces exactly one message, so the work (and the
time) does not tell an observer whether an address or IIN is known.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l

from portal import mail
from portal.accounts.models import User, VerificationRequest
from portal.modeling import current_language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    to: str
    subject: Any  # a lazy string, rendered in `language`
    template: str  # under templates/mail/accounts/
    language: str
    context: dict[str, Any] = field(default_factory=dict)


def deliver(*notices: Notice) -> bool:
    """Send each notice. The change it reports is committed already, so a mail server that
    is down is logged, not turned into an error page."""
    delivered = True
    for notice in notices:
        try:
            mail.send(notice.to, notice.subject, f"accounts/{notice.template}", notice.language,
                      **notice.context)
        except OSError:  # smtplib's errors are OSErrors too
            log.warning("could not send the %s email", notice.template, exc_info=True)
            delivered = False
    return delivered


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email.

    Production uses PUBLIC_BASE_URL only: taking the host from the request would let anyone
    who can set a Host header send people reset links to their own server. In development the
    request's own address is used so links work on whatever port the app runs.
    """
    path = url_for(endpoint, **values)
    if current_app.config["PORTAL_ENV"] == "development" and has_request_context():
        return request.host_url.rstrip("/") + path
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def _language(user: User | None = None) -> str:
    if user is not None and user.locale:
        return user.locale
    return current_language()


def confirm_email(user: User, token: str) -> Notice:
    return Notice(user.email, _l("Confirm your email address"), "confirm_email",
                  _language(user),
                  {"link": absolute_url("accounts.confirm_link", token=token),
                   "hours": 48})


def already_registered(user: User) -> Notice:
    """Someone tried to register with an address that already has an account."""
    return Notice(user.email, _l("Someone tried to register with your email address"),
                  "already_registered", _language(user),
                  {"login_link": absolute_url("accounts.login"),
                   "reset_link": absolute_url("accounts.forgot_password")})


def could_not_register(email: str) -> Notice:
    """The details match an existing account (for example its IIN); no account was created."""
    return Notice(email, _l("We could not create your account"), "could_not_register",
                  _language(), {"login_link": absolute_url("accounts.login"),
                                "reset_link": absolute_url("accounts.forgot_password")})


def reset_password(user: User, token: str) -> Notice:
    return Notice(user.email, _l("Reset your password"), "reset_password", _language(user),
                  {"link": absolute_url("accounts.reset_link", token=token), "minutes": 60})


def no_account(email: str) -> Notice:
    """A reset was asked for an address without an account (or with a deactivated one)."""
    return Notice(email, _l("Password reset requested"), "no_account", _language(),
                  {"register_link": absolute_url("accounts.register")})


def verification_decided(request_row: VerificationRequest) -> Notice:
    user = request_row.user
    return Notice(user.email, _l("Your residence verification"), "verification_decided",
                  _language(user),
                  {"decision": request_row, "account_link": absolute_url("account.overview")})
