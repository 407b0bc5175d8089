"""Terms end for the real reasons; a recall or a loss of eligibility only with its record; the
akim page counts the terms served against the two-term limit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from portal.akims.models import RECORDED_END_REASONS, TermEndReason, TermStatus
from portal.extensions import db
from tests.factories import AkimFactory, TermFactory
from tests.factories.geo import RuralDistrictFactory

ENDED = {"elected_on": date(2019, 7, 25), "starts_on": date(2019, 7, 28),
         "ends_on": date(2023, 7, 28), "ended_on": date(2022, 3, 1),
         "status": TermStatus.ENDED}


@pytest.mark.parametrize("reason", list(TermEndReason))
def test_each_end_reason_is_stored_and_shown(reason: TermEndReason,
                                             client: FlaskClient) -> None:
    record = "Court decision No. 2-145/2022 of 1 March 2022" \
        if reason in RECORDED_END_REASONS else None
    term = TermFactory(**ENDED, end_reason=reason, end_record=record)
    db.session.flush()
    page = client.get(f"/akims/{term.akim_id}?lang=en").get_data(as_text=True)
    label = {
        TermEndReason.TERM_END: "Term expired", TermEndReason.RESIGNED: "Resigned",
        TermEndReason.APPOINTED: "Appointed to another post",
        TermEndReason.INELIGIBLE: "Lost eligibility (court decision)",
        TermEndReason.DIED: "Died in office",
        TermEndReason.DISTRICT_ABOLISHED: "Rural district abolished or merged",
        TermEndReason.RECALLED: "Recalled (recorded procedure)",
    }[reason]
    assert label in page
    if record:
        assert "Record: Court decision No. 2-145/2022" in page


@pytest.mark.parametrize("reason", RECORDED_END_REASONS)
def test_a_recall_or_a_loss_of_eligibility_needs_its_record(reason: TermEndReason) -> None:
    term = TermFactory(**ENDED, end_reason=TermEndReason.RESIGNED)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        term.end_reason = reason  # a recall (or a court's decision) with nothing on record
        db.session.flush()


def test_a_term_ended_by_a_merger_names_the_successor(client: FlaskClient) -> None:
    successor = RuralDistrictFactory(name_en="Zhanaturmys rural district")
    gone = RuralDistrictFactory(valid_to=date(2022, 3, 1), successor=successor)
    term = TermFactory(**ENDED, rural_district=gone,
                       end_reason=TermEndReason.DISTRICT_ABOLISHED)
    db.session.flush()
    page = client.get(f"/akims/{term.akim_id}?lang=en").get_data(as_text=True)
    assert "Merged into" in page and f"/rural-districts/{successor.kato}" in page


def test_the_akim_page_counts_terms_served_against_the_limit(client: FlaskClient,
                                                              count_queries: Any) -> None:
    akim = AkimFactory()
    place = RuralDistrictFactory()
    TermFactory(akim=akim, rural_district=place, **{**ENDED, "ended_on": date(2023, 7, 28)},
                end_reason=TermEndReason.TERM_END)
    TermFactory(akim=akim, rural_district=place)
    TermFactory(akim=akim, **{**ENDED, "elected_on": date(2015, 7, 25),
                              "starts_on": date(2015, 7, 28), "ends_on": date(2019, 7, 28),
                              "ended_on": date(2019, 7, 28)},
                end_reason=TermEndReason.TERM_END)  # elsewhere: not counted here
    db.session.flush()
    page = client.get(f"/akims/{akim.id}?lang=en").get_data(as_text=True)
    assert "Terms in this rural district" in page and "2 of a limit of 2" in page
