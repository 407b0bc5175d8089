"""Search (issue 22): places at every level in kk, ru and Latin spelling, one typo tolerated,
the matched words highlighted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from portal.extensions import db
from portal.reports import services
from tests.factories import AkimFactory, RuralDistrictFactory, SettlementFactory, TermFactory
from tests.factories.geo import a_district
from tests.factories.promises import PromiseFactory
from tests.factories.reports import ReportFactory

# Names of the reference map loaded for every test run (geo/data/regions.csv, districts.csv).
BAIDIBEK = "/districts/6136"
TURKISTAN = "/regions/61"


def _page(client: FlaskClient, query: str, language: str) -> str:
    response = client.get("/search", query_string={"q": query, "lang": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("query", ["Байдибек", "Бәйдібек", "БАЙДИБЕК", "Baidibek", "baydibek"])
def test_a_district_is_found_by_its_name_in_every_spelling(
        client: FlaskClient, query: str, language: str) -> None:
    html = _page(client, query, language)
    assert f'href="{BAIDIBEK}"' in html, (query, language)
    assert "Nothing found" not in html


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("query", ["Туркестан", "Түркістан", "Turkistan", "Türkistan"])
def test_a_region_is_found_by_its_name(client: FlaskClient, query: str, language: str) -> None:
    html = _page(client, query, language)
    assert f'href="{TURKISTAN}"' in html, (query, language)


def test_names_are_shown_in_the_readers_language_with_the_match_marked(
        client: FlaskClient) -> None:
    assert "<mark>Бәйдібек</mark> ауданы" in _page(client, "Байдибек", "kk")
    assert "район <mark>Байдибек</mark>а" in _page(client, "Бәйдібек", "ru")
    assert "Baidibek District" in _page(client, "Байдибек", "en")
    assert "<mark>Туркестан</mark>ская область" in _page(client, "туркестан", "ru")


def test_one_typo_is_tolerated_in_a_place_name(client: FlaskClient) -> None:
    assert f'href="{BAIDIBEK}"' in _page(client, "Байдибак", "ru")
    assert f'href="{BAIDIBEK}"' in _page(client, "Biadibek", "en")  # two letters swapped
    assert f'href="{TURKISTAN}"' in _page(client, "Туркистн", "ru")
    # Two typos are not a match.
    assert f'href="{BAIDIBEK}"' not in _page(client, "Бойдибак", "ru")


def test_villages_and_rural_districts_still_found_with_their_district(
        client: FlaskClient) -> None:
    unit = RuralDistrictFactory(name_kk="Жаңаталап ауылдық округі",
                                name_ru="сельский округ Жанаталап",
                                name_en="Zhanatalap rural district")
    SettlementFactory(rural_district=unit, name_kk="Көктерек ауылы", name_ru="село Коктерек",
                      name_en="Kokterek village")
    html = _page(client, "Жаңаталап", "kk")
    assert f'href="/rural-districts/{unit.kato}"' in html
    assert "<mark>Жаңаталап</mark> ауылдық округі" in html
    assert "Kokterek village" in _page(client, "Көктерек", "en")


def test_markup_in_a_query_or_name_is_escaped(client: FlaskClient) -> None:
    html = _page(client, "<script>Байдибек", "ru")
    assert "<script>Байдибек" not in html


# ---------------------------------------------------------------- promises and reports

def _filled(**changes: str) -> dict[str, object]:
    from tests.factories.reports import FILLED

    return {**FILLED, **changes}


def test_a_promise_is_found_by_its_title_or_description(client: FlaskClient) -> None:
    promise = PromiseFactory(title="Жаңа мектеп салу", language="kk",
                             description="Екі қабатты мектеп, 300 оқушыға арналған спортзал.")
    for language in ("kk", "ru", "en"):
        html = _page(client, "мектеп", language)
        assert f'href="/promises/{promise.id}"' in html
        assert "<mark>мектеп</mark>" in html
    # By a word of the description only, and with or without the Kazakh letters.
    assert f'href="/promises/{promise.id}"' in _page(client, "спортзал", "ru")
    assert f'href="/promises/{promise.id}"' in _page(client, "кабатты", "ru")


def test_an_edited_promise_is_found_by_its_new_words_only(client: FlaskClient) -> None:
    promise = PromiseFactory(title="Repair the bathhouse", description="")
    promise.title = "Build a library"
    db.session.commit()
    assert f'href="/promises/{promise.id}"' in _page(client, "library", "en")
    assert f'href="/promises/{promise.id}"' not in _page(client, "bathhouse", "en")


def test_a_draft_report_is_never_found_and_the_current_version_is(client: FlaskClient) -> None:
    report = ReportFactory(filled=True)
    services.save_draft(report, _filled(summary="Қарбыз фестивалі өтті."), "tests")
    db.session.commit()
    assert f'href="/reports/{report.id}"' not in _page(client, "қарбыз", "kk")
    services.submit(report, "tests", now=datetime(2025, 7, 1, 6, tzinfo=UTC))
    db.session.commit()
    assert f'href="/reports/{report.id}"' not in _page(client, "қарбыз", "kk")  # not yet public
    services.publish(report, "tests", now=datetime(2025, 7, 10, 6, tzinfo=UTC))
    db.session.commit()
    html = _page(client, "карбыз", "ru")
    assert f'href="/reports/{report.id}"' in html
    assert "<mark>Қарбыз</mark> фестивалі" in html
    # A correction replaces the text search finds: the old words no longer lead to it.
    services.amend(report, _filled(summary="Қауын фестивалі өтті."),
                   "The fruit was named wrongly in the summary.", "tests",
                   now=datetime(2025, 7, 12, 6, tzinfo=UTC))
    db.session.commit()
    assert f'href="/reports/{report.id}"' not in _page(client, "қарбыз", "kk")
    assert f'href="/reports/{report.id}"' in _page(client, "қауын", "kk")


def test_results_narrow_by_kind_and_region(client: FlaskClient) -> None:
    here = PromiseFactory(title="Street lights on Abai street")
    there = PromiseFactory(title="Street lights by the school",
                           term__rural_district__district=a_district("1132"))
    page = client.get("/search", query_string={"q": "street lights", "region": "61"})
    html = page.get_data(as_text=True)
    assert f'href="/promises/{here.id}"' in html
    assert f'href="/promises/{there.id}"' not in html
    both = _page(client, "street lights", "en")
    assert f'href="/promises/{here.id}"' in both and f'href="/promises/{there.id}"' in both
    only_places = client.get("/search", query_string={"q": "street", "kind": "places"})
    assert "/promises/" not in only_places.get_data(as_text=True)
    # Filters that mean nothing are ignored, never an error.
    odd = client.get("/search", query_string={"q": "street", "kind": "x", "region": "zz"})
    assert odd.status_code == 200 and f'href="/promises/{here.id}"' in odd.get_data(as_text=True)
    # A control character in the region never reaches the database (PostgreSQL gave a 500).
    for region in ("\x00", "6\x001", "\u0661\u0663"):
        odd = client.get("/search", query_string={"q": "street", "region": region})
        assert odd.status_code == 200 and f'href="/promises/{there.id}"' in odd.get_data(
            as_text=True), region


@pytest.mark.parametrize("few_entries", [0, 2000])
def test_the_newest_text_hits_are_shown_with_their_count_however_many_match(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, few_entries: int) -> None:
    """Few matches are read at once and the newest picked in Python; many are asked for per
    kind with LIMIT (`search.FEW_ENTRIES`): the page is the same either way."""
    from portal.web import search

    monkeypatch.setattr(search, "TEXT_LIMIT", 3)
    monkeypatch.setattr(search, "FEW_ENTRIES", few_entries)
    promises = [PromiseFactory(title=f"Water tower number {n}") for n in range(5)]
    other = PromiseFactory(title="Water tower", term__rural_district__district=a_district("1132"))
    html = _page(client, "water tower", "en")
    assert "(6)" in html
    shown = [f'href="/promises/{p.id}"' in html for p in [*promises, other]]
    assert shown == [False, False, False, True, True, True]  # the newest three
    in_region = client.get("/search", query_string={"q": "water tower", "region": "61"})
    html = in_region.get_data(as_text=True)
    assert "(5)" in html
    shown = [f'href="/promises/{p.id}"' in html for p in promises]
    assert shown == [False, False, True, True, True]


def test_a_kato_code_outside_the_chosen_region_finds_nothing(client: FlaskClient) -> None:
    assert f'href="{BAIDIBEK}"' in client.get(
        "/search", query_string={"q": "6136", "region": "61"}).get_data(as_text=True)
    elsewhere = client.get("/search", query_string={"q": "6136", "region": "11"})
    assert f'href="{BAIDIBEK}"' not in elsewhere.get_data(as_text=True)
    assert "Nothing found" in elsewhere.get_data(as_text=True)


def test_a_rebuild_writes_what_every_write_kept(client: FlaskClient) -> None:
    from sqlalchemy import select

    from portal.search.index import rebuild
    from portal.search.models import SearchEntry

    PromiseFactory(title="Ауыз су құбыры", description="Бес шақырым")
    ReportFactory(published=True)
    ReportFactory(filled=True)  # a draft: never indexed

    def rows() -> list[tuple[str, int, int, int, str]]:
        return sorted((str(r.kind), r.object_id, r.term_id, r.region_id, r.body)
                      for r in db.session.execute(select(
                          SearchEntry.kind, SearchEntry.object_id, SearchEntry.term_id,
                          SearchEntry.region_id, SearchEntry.body)))

    kept = rows()
    assert [row[0] for row in kept] == ["promise", "report"]
    assert rebuild(db.session()) == 2
    assert rows() == kept


def test_the_text_index_follows_every_write(client: FlaskClient) -> None:
    """SQLite answers from its FTS5 trigram table, kept by triggers; PostgreSQL from the
    pg_trgm index on `search_entry.body`, which the planner must be able to use for LIKE."""
    from sqlalchemy import text

    promise = PromiseFactory(title="Қазандық жөндеу", description="")
    sqlite = db.engine.dialect.name == "sqlite"
    lookup = (
        "SELECT e.object_id FROM search_entry_fts f JOIN search_entry e ON e.id = f.rowid "
        "WHERE f.body LIKE :p" if sqlite else
        "SELECT object_id FROM search_entry WHERE body LIKE :p")

    def indexed(word: str) -> list[int]:
        return list(db.session.scalars(text(lookup), {"p": f"%{word}%"}))

    assert indexed("казандык") == [promise.id]
    promise.title = "Мектеп жөндеу"
    db.session.commit()
    assert indexed("казандык") == []
    assert indexed("мектеп") == [promise.id]
    if not sqlite:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN {lookup}"), {"p": "%мектеп%"}))
        db.session.rollback()
        assert "ix_search_entry_body_trgm" in plan, plan
    assert f'href="/promises/{promise.id}"' in _page(client, "Мектеп", "kk")


def test_a_village_or_rural_district_one_typo_away_is_found(client: FlaskClient) -> None:
    unit = RuralDistrictFactory(name_kk="Шаян ауылдық округі", name_ru="сельский округ Шаян",
                                name_en="Shayan rural district")
    SettlementFactory(rural_district=unit, name_kk="Көктөбе ауылы", name_ru="село Коктобе",
                      name_en="Koktobe village")
    assert "Koktobe village" in _page(client, "Коктоба", "en")  # one letter wrong
    assert "Koktobe village" in _page(client, "Kokotbe", "en")  # two swapped
    html = _page(client, "Шаяан", "kk")  # one letter too many
    assert f'href="/rural-districts/{unit.kato}"' in html
    assert "Koktobe village" not in _page(client, "Кукутаба", "en")  # more than one typo


def test_the_seed_indexes_what_it_inserts_in_bulk(client: FlaskClient) -> None:
    from datetime import date

    from sqlalchemy import func, select

    from portal import seed
    from portal.meetings.models import MeetingQuestion
    from portal.promises.models import Promise
    from portal.reports.models import Report
    from portal.search.models import SearchEntry
    from portal.seed.context import Scale

    seed.run(Scale.DEMO, seed=2026, as_of=date(2026, 11, 1))
    db.session.commit()
    promises = db.session.scalar(select(func.count()).select_from(Promise))
    published = db.session.scalar(select(func.count()).select_from(Report)
                                  .where(Report.current_version > 0))
    questions = db.session.scalar(select(func.count()).select_from(MeetingQuestion))
    entries = db.session.scalar(select(func.count()).select_from(SearchEntry))
    assert promises and published
    assert entries == promises + published + questions
    promise = db.session.scalars(select(Promise).order_by(Promise.id)).first()
    assert promise is not None
    word = max(promise.title.split(), key=len)
    response = client.get("/search", query_string={"q": word, "kind": "promises"})
    assert "/promises/" in response.get_data(as_text=True)


def test_a_meeting_question_is_found_with_its_answer(client: FlaskClient) -> None:
    from tests.factories import MeetingQuestionFactory

    item = MeetingQuestionFactory(question="Ауылға көпір қашан салынады?",
                                  answer="Көпір жобасы 2026 жылғы бюджетке енгізілді.")
    html = _page(client, "көпір", "kk")
    assert f'href="/meetings/{item.meeting_id}#question-{item.id}"' in html
    assert "<mark>көпір</mark>" in html
    assert f"#question-{item.id}" in _page(client, "бюджетке", "ru")  # by its answer
    item.answer = "Жоба қайта қаралды."
    db.session.commit()
    assert f"#question-{item.id}" not in _page(client, "бюджетке", "ru")
    assert f"#question-{item.id}" not in client.get(
        "/search", query_string={"q": "көпір", "kind": "promises"}).get_data(as_text=True)


def test_an_akim_and_a_village_are_found_in_kazakh_latin_spelling(client: FlaskClient) -> None:
    # 'q' and 'ö' of the 2021 alphabet read as the plain Latin the stored keys hold, as in
    # "Find my akim"; before, only the fallback for an empty page tried that reading.
    akim = AkimFactory(full_name="Жақсылықов Ерлан", full_name_latn="Zhaksylykov Erlan")
    html = _page(client, "Zhaqsylyqov", "en")
    assert f'href="/akims/{akim.id}"' in html
    unit = RuralDistrictFactory(name_kk="Көктөбе ауылдық округі", name_ru="Koktobe",
                                name_en="Koktobe rural district")
    PromiseFactory(title="Köktöbe: a new school")  # a text hit, so no fallback runs
    html = _page(client, "Köktöbe", "en")
    assert f'href="/rural-districts/{unit.kato}"' in html


def test_akims_found_are_paged_in_name_order(client: FlaskClient) -> None:
    """More akims match than a page holds: 20 a page in name order, the count of all, and a
    page past the end shows the last one."""
    for number in range(23):
        TermFactory(akim=AkimFactory(full_name=f"Көпжасаров Арман {number:02d}",
                                     full_name_latn=f"Kopzhasarov Arman {number:02d}"))
    db.session.commit()

    def names(page: int) -> list[str]:
        response = client.get("/api/v1/search", query_string={"q": "Копжасаров", "page": page})
        assert response.status_code == 200
        akims = next(group for group in response.get_json()["groups"]
                     if group["kind"] == "akims")
        assert akims["total"] == 23
        return [item["title"] for item in akims["items"]]

    first, second = names(1), names(2)
    assert first == [f"Көпжасаров Арман {number:02d}" for number in range(20)]
    assert second == [f"Көпжасаров Арман {number:02d}" for number in range(20, 23)]
    assert names(9) == second
