"""The error feedback services raise when a request breaks a rule; views show it by the field."""

from __future__ import annotations


class FeedbackError(ValueError):
    """A rating, comment or moderation step that cannot be made. The message is translated and
    safe to show; `field` names the form field it belongs beside (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
