"""One calendar: days the portal shows and counts are Almaty days, whatever UTC says.

At 01:53 on 15 March in Almaty it is 20:53 on 14 March in UTC (issue 17 met the same hour on
7 December): a UTC reading of "today" or of a response's date is a day early.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from portal import clock, seed
from portal.akims.models import Term
from portal.exports import pdf as pdf_module
from portal.exports.dossier import dossiers_for_akims
from portal.exports.services import prepare, render_dossier
from portal.extensions import db
from portal.formats import formal_date
from portal.recall.models import Flag, FlagStatus, RuleCode
from portal.reports.models import Timeliness
from portal.seed.context import Scale
from tests.exports.conftest import MISSING_TWICE, build_record, pdf_text
from tests.factories import FlagFactory

# 01:53 on 15 March 2026 in Almaty; still 14 March in UTC (and far from the day tests run).
NIGHT_UTC = datetime(2026, 3, 14, 20, 53, tzinfo=UTC)


@pytest.fixture
def night(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The portal's clock reads the night of issue 17."""
    monkeypatch.setattr(clock, "now", lambda: NIGHT_UTC.astimezone(clock.zone()))
    return NIGHT_UTC


def test_days_are_almaty_days(app: Flask, night: datetime) -> None:
    assert clock.today() == date(2026, 3, 15)
    assert clock.local_date(night) == date(2026, 3, 15)
    assert clock.local_date(night.replace(tzinfo=None)) == date(2026, 3, 15)  # SQLite: naive
    assert clock.to_local(night).strftime("%H:%M") == "01:53"
    assert clock.days_between(date(2024, 7, 31), clock.today()) == 592
    # The zone is the one setting Flask-Babel formats with.
    assert str(clock.zone()) == app.config["BABEL_DEFAULT_TIMEZONE"]


def test_the_response_to_a_flag_is_dated_by_almaty_in_the_dossier(night: datetime) -> None:
    record = build_record()
    FlagFactory(term=record.term, evidence=MISSING_TWICE, status=FlagStatus.AKIM_RESPONDED,
                response="The report is with the district.", responded_at=night)
    db.session.commit()
    item = prepare(record.term.akim_id, "en")
    assert item is not None
    (flag,) = item.dossier.flags or ()
    assert flag.responded_on == date(2026, 3, 15)
    text = re.sub(r"\s+", " ", pdf_text(pdf_module.write_pdf([render_dossier(item)])))
    # The dossier writes dates formally ("15 March 2026"); the day is Almaty's.
    day, day_before = (re.sub(r"\s+", " ", formal_date(value, "en"))
                       for value in (date(2026, 3, 15), date(2026, 3, 14)))
    assert f"The akim's response ({day})" in text
    assert day_before not in text


def test_the_seed_counts_overdue_days_on_the_same_day_as_the_dossier(night: datetime) -> None:
    """Seeded at 01:53 in Almaty, the flag evidence and the reports table of one dossier give
    the same number of days past due for each missing report (a day apart before)."""
    ctx = seed.run(Scale.DEMO, seed=2026)
    assert ctx.as_of == date(2026, 3, 15)
    flagged = db.session.scalars(
        select(Term).join(Flag, Flag.term_id == Term.id)
        .where(Flag.rule == RuleCode.REPORTING, Flag.cleared_on.is_(None),
               Flag.status != FlagStatus.DISMISSED)
        .order_by(Term.id)).all()
    assert flagged
    compared = 0
    for dossier in dossiers_for_akims([term.akim_id for term in flagged[:5]], "en"):
        table = {period.due_on: period.days_overdue for period in dossier.reports
                 if period.timeliness is Timeliness.MISSING}
        for flag in dossier.open_flags:
            for line in flag.evidence[1:] if flag.rule == RuleCode.REPORTING.value else ():
                due, days = _due_and_days(line)
                if due in table:
                    assert days == table[due], (dossier.akim_id, line, table)
                    compared += 1
    assert compared


def _due_and_days(line: str) -> tuple[date, int]:
    """(due date, days past due) from an English evidence line of the reporting rule."""
    # a formal date, held together by no-break spaces: "31 July 2024"
    found = re.search(r"due (\d{1,2}\s\w+\s\d{4}), ([\d,]+) days? past due", line)
    assert found, line
    day = " ".join(found[1].split())
    return (datetime.strptime(day, "%d %B %Y").date(),  # noqa: DTZ007 - a calendar day
            int(found[2].replace(",", "")))


def test_only_the_clock_names_the_zone_or_asks_the_machine_for_its_day() -> None:
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent
    allowed = {root / "clock.py", root / "config.py"}
    offenders = [f"{path.relative_to(root)}: {pattern}"
                 for path in sorted(root.rglob("*.py")) if path not in allowed
                 and "migrations" not in path.parts
                 for pattern in ("ZoneInfo(", "\"Asia/Almaty\"", "date.today()")
                 if pattern in path.read_text(encoding="utf-8")]
    assert offenders == []
