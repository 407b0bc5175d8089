"""Background jobs of the feedback domain: emails that must not hold up a request."""

from __future__ import annotations

from portal.feedback import notify
from portal.jobs import app_task


@app_task(retries=2, retry_delay=60)
def send_official_reply_notice(reply_id: int) -> bool:
    return notify.official_reply_posted(reply_id)
