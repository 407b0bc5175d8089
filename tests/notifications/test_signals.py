"""Domains announce their events with the signals of `portal.notifications.signals`, from the
service, with the changed object as sender and the person who acted."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from blinker import Signal

from portal.feedback import comments
from portal.notifications import signals
from portal.reports import services as reports
from tests.factories import CommentFactory, ReportFactory, UserFactory
from tests.feedback.helpers import akim_account, published_report, serving_term


@contextmanager
def caught(signal: Signal) -> Iterator[list[tuple[Any, dict[str, Any]]]]:
    seen: list[tuple[Any, dict[str, Any]]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append((sender, kwargs))

    signal.connect(receiver)
    try:
        yield seen
    finally:
        signal.disconnect(receiver)


def test_publishing_a_report_announces_it_once() -> None:
    report = ReportFactory(term=serving_term(), submitted=True, filled=True)
    akim = UserFactory.akim_for(report.term)
    with caught(signals.report_published) as seen:
        reports.publish(report, akim)
    assert seen == [(report, {"actor": akim})]


def test_an_official_reply_is_announced_with_the_akim_as_actor() -> None:
    report = published_report()
    comment = CommentFactory(report=report)
    akim = akim_account(report.term)
    with caught(signals.official_reply_posted) as seen:
        reply = comments.reply_officially(comment, akim, "Answered.")
    assert seen == [(reply, {"actor": akim})]


def test_the_signals_module_brings_in_no_mail_code() -> None:
    script = ("import sys, portal.notifications.signals; "
              "print(sorted(m for m in sys.modules if m.startswith('portal')))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True,  # noqa: S603
                            text=True, check=True).stdout
    assert "portal.mail" not in loaded and "portal.notifications.signals" in loaded
    assert len(signals.ALL) == 11
