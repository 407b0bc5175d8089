"""Rate limits for the account endpoints: by IP address and by the account a form names.

Limits are configuration (`RATELIMIT_*`); the storage is memory by default and Redis when
REDIS_URL is set, so several app machines share one count. Keys never hold an email: the
per-account key is an HMAC of it under the secret key.

Sign-in failures are counted per address (`RATELIMIT_LOGIN`) and per account *and* address
(`RATELIMIT_LOGIN_ACCOUNT`), never per account alone: a count keyed on the typed email let
anyone keep an akim locked out with thirty wrong passwords an hour (issue 24, finding 5). An
account that many addresses fail on (`RATELIMIT_LOGIN_ACCOUNT_SLOW`) is slowed down, not
locked: each address that has failed on it may then try only at `RATELIMIT_LOGIN_SLOW_PACE`.
An address that has not failed is never refused, so the akim's right password always works
from their own connection. (Our rule, not law: the figures are in DEFAULTS.) A wrong
second-factor code counts as a failure on the account too, and each pending sign-in (a right
password) has only `RATELIMIT_SECOND_FACTOR` tries, counted here, not in its cookie.

Reset requests follow the same rule: counted per address (`RATELIMIT_PASSWORD_RESET`) and per
account *and* address (`RATELIMIT_PASSWORD_RESET_ACCOUNT`); an account asked for from many
addresses (`RATELIMIT_PASSWORD_RESET_ACCOUNT_SLOW`) is slowed down for the addresses that asked
(`RATELIMIT_PASSWORD_RESET_SLOW_PACE`). A count keyed on the email alone let six requests a day
from anyone stop an akim's own reset; an address that has not asked always gets the mail.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.wrappers import Response

from portal.extensions import limiter

DEFAULTS = {
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    "RATELIMIT_LOGIN_ACCOUNT": "5 per minute;30 per hour",  # one account, from one address
    "RATELIMIT_LOGIN_ACCOUNT_SLOW": "20 per hour",  # one account, from every address
    "RATELIMIT_LOGIN_SLOW_PACE": "1 per minute",  # then, each address that failed on it
    "RATELIMIT_REGISTER": "5 per hour",
    "RATELIMIT_PASSWORD_RESET": "5 per 10 minutes;20 per day",
    "RATELIMIT_PASSWORD_RESET_ACCOUNT": "3 per hour;6 per day",  # one account, one address
    "RATELIMIT_PASSWORD_RESET_ACCOUNT_SLOW": "10 per hour;20 per day",  # every address
    "RATELIMIT_PASSWORD_RESET_SLOW_PACE": "1 per hour",  # then, each address that asked
    # Wrong codes after one right password (one pending sign-in), counted here and not in
    # the browser's session, which a copy of the cookie would reset.
    "RATELIMIT_SECOND_FACTOR": "5 per 10 minutes",
    "RATELIMIT_TOKEN": "20 per hour",
    "RATELIMIT_PASSWORD_CHANGE": "5 per 10 minutes",
}


def limit(name: str) -> str:
    return str(current_app.config.get(name) or DEFAULTS[name])


def login_limit() -> str:
    return limit("RATELIMIT_LOGIN")


def login_account_limit() -> str:
    return limit("RATELIMIT_LOGIN_ACCOUNT")


def register_limit() -> str:
    return limit("RATELIMIT_REGISTER")


def reset_limit() -> str:
    return limit("RATELIMIT_PASSWORD_RESET")


def reset_account_limit() -> str:
    return limit("RATELIMIT_PASSWORD_RESET_ACCOUNT")


def token_limit() -> str:
    return limit("RATELIMIT_TOKEN")


def password_change_limit() -> str:
    return limit("RATELIMIT_PASSWORD_CHANGE")


def _account(email: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    typed = email.strip().lower().encode()
    return hmac.new(secret, typed, hashlib.sha256).hexdigest()[:32]


def _email_key(prefix: str) -> str:
    return f"{prefix}:" + _account(request.form.get("email", ""))


def login_account_key() -> str:
    """The account the form names, from this address: failures elsewhere do not count here."""
    return f"{_email_key('login-account')}:{request.remote_addr or '-'}"


def _slow_items(name: str) -> list[RateLimitItem]:
    return list(parse_many(limit(name)))


def _identifiers(kind: str, *parts: str) -> tuple[str, ...]:
    return (str(current_app.config.get("RATELIMIT_KEY_PREFIX") or ""), kind, *parts)


def _pause(kind: str, email: str, slow: str, pace: str) -> int | None:
    """Seconds this address must wait before acting on this account again, or None. Only while
    the account is acted on from many addresses (`slow`), and only for addresses that acted on
    it within the `pace`."""
    if not limiter.enabled:
        return None
    strategy = limiter.limiter
    account = _account(email)
    every_address = _identifiers(f"{kind}-slow", account)
    if all(strategy.test(item, *every_address) for item in _slow_items(slow)):
        return None
    this_address = _identifiers(f"{kind}-pace", account, request.remote_addr or "-")
    resets = [strategy.get_window_stats(item, *this_address).reset_time
              for item in _slow_items(pace)
              if not strategy.test(item, *this_address)]
    if not resets:
        return None
    return max(1, math.ceil(max(resets) - time.time()))


def _count(kind: str, email: str, slow: str, pace: str) -> None:
    if not limiter.enabled:
        return
    strategy = limiter.limiter
    account = _account(email)
    for item in _slow_items(slow):
        strategy.hit(item, *_identifiers(f"{kind}-slow", account))
    for item in _slow_items(pace):
        strategy.hit(item, *_identifiers(f"{kind}-pace", account, request.remote_addr or "-"))


def login_pause(email: str) -> int | None:
    """Seconds this address must wait before trying this account again, or None. Only while
    the account is failed on from many addresses, and only for addresses that failed on it."""
    return _pause("login", email, "RATELIMIT_LOGIN_ACCOUNT_SLOW", "RATELIMIT_LOGIN_SLOW_PACE")


def login_failed(email: str) -> None:
    """Count a wrong password for the account's slow-down (the decorators count the rest)."""
    _count("login", email, "RATELIMIT_LOGIN_ACCOUNT_SLOW", "RATELIMIT_LOGIN_SLOW_PACE")


def reset_pause(email: str) -> int | None:
    """Seconds this address must wait before asking a reset for this account again, or None:
    only while many addresses ask for it, and only for the addresses that asked."""
    return _pause("reset", email, "RATELIMIT_PASSWORD_RESET_ACCOUNT_SLOW",
                  "RATELIMIT_PASSWORD_RESET_SLOW_PACE")


def reset_requested(email: str) -> None:
    """Count a reset request for the account's slow-down (the decorators count the rest)."""
    _count("reset", email, "RATELIMIT_PASSWORD_RESET_ACCOUNT_SLOW",
           "RATELIMIT_PASSWORD_RESET_SLOW_PACE")


def code_tries_left(pending_id: str) -> bool:
    """Whether this pending sign-in may still try a code (`RATELIMIT_SECOND_FACTOR`)."""
    if not limiter.enabled:
        return True
    identifiers = _identifiers("second-factor", pending_id)
    return all(limiter.limiter.test(item, *identifiers)
               for item in _slow_items("RATELIMIT_SECOND_FACTOR"))


def code_failed(email: str, pending_id: str) -> None:
    """Count a wrong code: against this pending sign-in, and, like a wrong password, for the
    account's slow-down (someone who has the password is guessing the second factor)."""
    if not limiter.enabled:
        return
    for item in _slow_items("RATELIMIT_SECOND_FACTOR"):
        limiter.limiter.hit(item, *_identifiers("second-factor", pending_id))
    login_failed(email)


def reset_account_key() -> str:
    """The account the form names, from this address: requests elsewhere do not count here."""
    return f"{_email_key('reset-account')}:{request.remote_addr or '-'}"


def signed_in_user_key() -> str:
    from flask_login import current_user

    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id is not None else f"ip:{request.remote_addr}"


def failed_attempt(response: Response) -> bool:
    """Count only failures: a successful sign-in redirects; a refused one shows the form."""
    return response.status_code != 302
