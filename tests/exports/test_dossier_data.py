"""The dossier's data: facts from the database, a fixed number of queries, the plug-ins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portal.exports.dossier import dossiers_for_akims, dossiers_for_scope
from portal.exports.scope import Scope, ScopeLevel
from portal.exports.services import prepare, prepared
from portal.feedback.tallies import NO_RATINGS, RatingSummary
from portal.promises.models import PromiseStatus
from portal.reports.models import Timeliness
from tests.exports.conftest import Record, build_record, flagged, rated
from tests.factories import TermFactory


def test_the_dossier_holds_the_record_of_the_serving_term(record: Record) -> None:
    [dossier] = dossiers_for_akims([record.term.akim_id], "en")
    assert dossier.name == "Sarsenbaev Galym Kairatuly"
    assert dossier.name_other_script == "Сәрсенбаев Ғалым Қайратұлы"
    assert dossier.term.rural_district.name == "Aigerim-Kuduk rural district"
    assert dossier.term.starts_on == date(2023, 6, 7)
    summary = dossier.promise_summary
    assert (summary.total, summary.kept, summary.broken, summary.overdue, summary.due) == (
        4, 1, 1, 1, 3)
    evidence = {line.number: line.evidence_count for line in dossier.promises}
    assert evidence == {1: 2, 2: 0, 3: 0, 4: 0}
    assert [line.verified_status for line in dossier.promises][:2] == [PromiseStatus.KEPT, None]
    assert [period.timeliness for period in dossier.reports] == [
        Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING, Timeliness.UPCOMING]
    assert (dossier.report_summary.due, dossier.report_summary.on_time,
            dossier.report_summary.late, dossier.report_summary.missing) == (3, 1, 1, 1)
    assert [item.year for item in dossier.budget_series] == [2024, 2025]
    assert dossier.budget_series[-1].revenue == 65_000_000
    assert dossier.public_url.endswith(f"/akims/{record.term.akim_id}")


def test_names_follow_the_language(record: Record) -> None:
    [kazakh] = dossiers_for_akims([record.term.akim_id], "kk")
    [russian] = dossiers_for_akims([record.term.akim_id], "ru")
    assert kazakh.name == "Сәрсенбаев Ғалым Қайратұлы"
    assert kazakh.term.rural_district.name == "Әйгерім-Құдық ауылдық округі"
    assert russian.term.rural_district.name == "сельский округ Айгерим-Кудык"


def test_a_former_akim_gets_the_latest_term_and_lists_the_others() -> None:
    old = TermFactory(ended=True)
    newer = TermFactory(akim=old.akim, elected_on=date(2023, 9, 1), starts_on=date(2023, 9, 3),
                        ends_on=date(2027, 9, 3))
    [dossier] = dossiers_for_akims([old.akim_id], "en")
    assert dossier.term.id == newer.id
    assert [term.id for term in dossier.other_terms] == [old.id]


def test_an_akim_without_a_term_has_no_dossier() -> None:
    assert prepare(999_999, "en") is None


def test_queries_do_not_grow_with_the_number_of_akims(count_queries: Any) -> None:
    ids = [build_record().term.akim_id for _ in range(4)]
    with count_queries() as one:
        dossiers_for_akims(ids[:1], "en")
    with count_queries() as four:
        result = dossiers_for_akims(ids, "en")
    assert len(result) == 4
    assert len(four) == len(one) <= 10  # the budgets' sources are one


def test_a_scope_lists_serving_akims_in_kato_order(record: Record) -> None:
    other = build_record(TermFactory())
    TermFactory(ended=True)  # not serving: not in the bundle
    dossiers = dossiers_for_scope(Scope(ScopeLevel.DISTRICT, "6136"), "en")
    ids = [dossier.akim_id for dossier in dossiers]
    assert record.term.akim_id in ids and other.term.akim_id in ids
    katos = [dossier.term.rural_district.kato for dossier in dossiers]
    assert katos == sorted(katos)
    assert all(dossier.term.is_serving for dossier in dossiers)


def test_the_fingerprint_follows_the_data_and_the_rendition_the_language(
        record: Record) -> None:
    first = prepare(record.term.akim_id, "en")
    again = prepare(record.term.akim_id, "en")
    kazakh = prepare(record.term.akim_id, "kk")
    assert first is not None and again is not None and kazakh is not None
    assert first.fingerprint == again.fingerprint and first.rendition == again.rendition
    assert kazakh.fingerprint == first.fingerprint  # the same facts (issue 17)
    assert kazakh.rendition != first.rendition  # another rendering: its own cached PDF
    record.overdue.claimed_progress = 60
    from portal.extensions import db

    db.session.commit()
    changed = prepare(record.term.akim_id, "en")
    assert changed is not None and changed.fingerprint != first.fingerprint
    assert changed.rendition != first.rendition
    assert len(first.short_fingerprint) == 12


# --------------------------------------------------------------------------- ratings, flags

def test_ratings_and_flags_fill_their_sections(record: Record) -> None:
    rated(record.term, {5: 4, 4: 2, 1: 3})
    flagged(record.term)
    [dossier] = dossiers_for_akims([record.term.akim_id], "en")
    assert dossier.ratings == RatingSummary(9, 31, (3, 0, 0, 2, 4))
    assert dossier.ratings.average_shown == Decimal("3.44")
    assert [flag.rule for flag in dossier.flags or ()] == ["reporting", "promises"]
    assert [flag.rule for flag in dossier.open_flags] == ["reporting"]
    reporting = dossier.open_flags[0]
    assert reporting.evidence[0] == ("2 reports were unpublished past their due dates on "
                                     "10\N{NO-BREAK SPACE}January 2026.")
    assert reporting.response == "The report was <b>lost</b> in the post."


def test_a_term_without_ratings_gets_an_empty_summary(record: Record) -> None:
    [item] = prepared(dossiers_for_akims([record.term.akim_id], "en"))
    assert item.dossier.ratings == NO_RATINGS
    assert item.dossier.flags == ()
