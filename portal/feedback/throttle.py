"""Rate limits on rating, commenting and complaining: per account and per address.

A village often shares one mobile address (carrier NAT), so the per-address limits are loose
and the per-account ones tight. Keys are keyed hashes: neither an address nor an account id
reaches the limiter's storage or its log. A refused burst is logged here without either.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

DEFAULTS = {
    "RATELIMIT_RATING": "10 per minute;100 per day",
    "RATELIMIT_RATING_IP": "120 per minute;2000 per hour",
    "RATELIMIT_COMMENT": "5 per minute;60 per day",
    "RATELIMIT_COMMENT_IP": "60 per minute;600 per hour",
    "RATELIMIT_COMPLAINT": "10 per minute;100 per day",
    "RATELIMIT_COMPLAINT_IP": "60 per minute;600 per hour",
    # An akim catching up on a backlog of comments answers many in a row.
    "RATELIMIT_REPLY": "20 per minute;500 per day",
    "RATELIMIT_REPLY_IP": "60 per minute;1000 per day",
}
ACTIONS = ("rating", "comment", "complaint", "reply")


def limit_of(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config.get(name) or DEFAULTS[name])


def _keyed(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"feedback-{kind}:" + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:24]


def account_key() -> str:
    return _keyed("account", str(getattr(current_user, "id", "")))


def address_key() -> str:
    return _keyed("address", get_remote_address() or "")


def _on_breach(action: str, per: str) -> Callable[[RequestLimit], None]:
    def breached(limit: RequestLimit) -> None:
        g.feedback_limited_action = action
        log.warning("feedback rate limit reached: %s per %s (%s) on %s", action, per,
                    limit.limit, request.endpoint)

    return breached


def limited(action: str) -> Callable[[F], F]:
    """Both limits of an action, each shared by every route of that action."""
    assert action in ACTIONS  # noqa: S101 - a programming error, caught by any test
    name = f"RATELIMIT_{action.upper()}"
    per_account = limiter.shared_limit(limit_of(name), scope=f"feedback-{action}",
                                       key_func=account_key, methods=["POST"],
                                       on_breach=_on_breach(action, "account"))
    per_address = limiter.shared_limit(limit_of(f"{name}_IP"), scope=f"feedback-{action}-ip",
                                       key_func=address_key, methods=["POST"],
                                       on_breach=_on_breach(action, "address"))

    def decorator(view: F) -> F:
        return cast(F, per_account(per_address(view)))

    return decorator
