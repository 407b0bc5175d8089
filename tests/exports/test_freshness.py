"""Dossiers rebuilt ahead of readers: a change queues exactly the dossiers it can alter, in
the languages asked for, and the worker renders the newest change first."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from portal import locks
from portal.akims.models import Term
from portal.budgets.services import import_budget_file
from portal.exports import freshness, services, store, tasks
from portal.exports.models import DossierDemand
from portal.extensions import db
from portal.modeling import utcnow
from portal.promises.models import Promise, PromiseEvidence, PromiseUpdate, VoteChoice
from portal.promises.votes import cast_vote
from portal.recall.models import Flag
from tests.exports.conftest import Record, build_record, pdf_text, rated
from tests.factories import FlagFactory, PromiseFactory, TermFactory, UserFactory


def tables_read(statements: list[str]) -> set[str]:
    names = set()
    for statement in statements:
        for name in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', statement, re.IGNORECASE):
            if name in db.metadata.tables:
                names.add(name)
    return names


def test_the_sources_are_exactly_the_tables_a_dossier_reads(count_queries: Any) -> None:
    record = build_record()
    rated(record.term, {5: 1})
    with count_queries() as statements:
        for language in ("kk", "ru", "en"):
            assert services.prepare(record.term.akim_id, language) is not None
    read, listed = tables_read(statements), set(freshness.SOURCES)
    assert (sorted(read - listed), sorted(listed - read)) == ([], [])


# --------------------------------------------------------------------------- what is queued

@dataclass
class World:
    first: Record  # its dossier asked for in kk and en
    second: Record  # asked for in ru
    unread: Term  # nobody asked for its dossier
    wakes: list[int]


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    first = build_record()
    second = build_record(names=("Әлиева Гүлнар Серікқызы", "Alieva Gulnar Serikkyzy"))
    unread = TermFactory()
    db.session.commit()
    session = db.session()
    for record, language in ((first, "kk"), (first, "en"), (second, "ru")):
        freshness.record_demand(session, record.term.akim_id, language)
    # The queue is what these tests look at: the worker is not woken here, only counted.
    wakes: list[int] = []
    monkeypatch.setattr(tasks, "rebuild_dossiers", lambda: wakes.append(1))
    assert freshness.pending(session) == []
    return World(first, second, unread, wakes)


def queued(world: World) -> set[tuple[int, str]]:
    return set(freshness.pending(db.session()))


def pairs(record: Record, *languages: str) -> set[tuple[int, str]]:
    return {(record.term.akim_id, language) for language in languages}


def test_a_promise_change_queues_its_akims_asked_for_languages(world: World) -> None:
    world.first.overdue.title = "Lay a water pipe to the school and the clinic"
    db.session.commit()
    assert queued(world) == pairs(world.first, "kk", "en")
    assert world.wakes == [1]


def test_a_rating_queues_the_rated_akim_only(world: World) -> None:
    rated(world.second.term, {4: 1})
    assert queued(world) == pairs(world.second, "ru")


def test_an_unread_dossier_queues_nothing_and_wakes_nobody(world: World) -> None:
    PromiseFactory(term=world.unread, title="A promise nobody reads about")
    db.session.commit()
    assert queued(world) == set()
    assert world.wakes == []


def test_a_change_rolled_back_queues_nothing(world: World) -> None:
    world.first.overdue.title = "Never saved"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert queued(world) == set()


def test_evidence_removed_queues_its_promises_akim(world: World) -> None:
    evidence = db.session.scalars(select(PromiseEvidence).join(PromiseUpdate).where(
        PromiseUpdate.promise_id == world.first.kept.id)).first()
    assert evidence is not None
    db.session.expire_all()  # its keys are loaded again from the row before it goes
    db.session.delete(evidence)
    db.session.commit()
    assert queued(world) == pairs(world.first, "kk", "en")


def test_bulk_flag_writes_queue_the_flagged_akims(world: World) -> None:
    flag = FlagFactory(term=world.second.term)
    db.session.commit()
    assert queued(world) == pairs(world.second, "ru")
    freshness.take_newest(db.session())
    # As the recall evaluation writes: an executemany UPDATE by primary key...
    db.session.execute(update(Flag), [{"id": flag.id, "current_evidence": {"as_of": "x"}}])
    db.session.commit()
    assert queued(world) == pairs(world.second, "ru")
    freshness.take_newest(db.session())
    # ...and a DELETE whose rows lead to the akim only while they exist.
    db.session.execute(delete(Flag).where(Flag.id == flag.id))
    db.session.commit()
    assert queued(world) == pairs(world.second, "ru")


def test_a_vote_on_a_claim_queues_the_promises_akim(world: World) -> None:
    claim = db.session.scalars(select(PromiseUpdate).where(
        PromiseUpdate.promise_id == world.first.kept.id)).one()
    resident = UserFactory.resident_of(world.first.term.rural_district)
    cast_vote(world.first.kept, claim.id, resident, VoteChoice.CONFIRM)
    db.session.commit()
    assert queued(world) == pairs(world.first, "kk", "en")


def test_a_budget_import_queues_the_akims_of_its_rural_districts(world: World) -> None:
    kato = world.second.term.rural_district.kato
    data = ("kato,year,period,category,approved,adjusted,actual\n"
            f"{kato},2025,YEAR,land_tax,16000000,,15500000\n").encode()
    outcome = import_budget_file(data, "q3.csv", "tests")
    assert outcome.succeeded, outcome.errors
    db.session.commit()
    assert queued(world) == pairs(world.second, "ru")


def test_a_functional_group_queues_only_the_akims_with_a_promise_it_pays(
        world: World) -> None:
    """Promise rows name the group that pays by code: a new group concerns nobody, a renamed
    one the akims whose promises it pays."""
    from portal.exports.models import DossierRebuild
    from tests.factories.budgets import function

    housing = function("07")  # the whole file is loaded: new groups, no promise yet
    db.session.commit()
    assert queued(world) == set()
    world.first.overdue.budget_function = housing
    db.session.commit()
    db.session.execute(delete(DossierRebuild))
    db.session.commit()
    housing.name_en = "Housing and communal services (renamed)"
    db.session.commit()
    assert queued(world) == pairs(world.first, "kk", "en")


def test_renaming_a_region_queues_its_akims(world: World) -> None:
    region = world.first.term.rural_district.district.region
    region.name_en = region.name_en + " (renamed)"
    db.session.commit()
    in_region = {term.akim_id for term in (world.first.term, world.second.term, world.unread)
                 if term.rural_district.district.region_id == region.id}
    demanded = pairs(world.first, "kk", "en") | pairs(world.second, "ru")
    assert queued(world) == {pair for pair in demanded if pair[0] in in_region}


def test_a_bulk_write_that_names_no_rows_queues_every_asked_for_dossier(world: World) -> None:
    db.session.execute(update(Promise).where(Promise.title.like("%zzz%")).values(title="x"))
    db.session.commit()
    assert queued(world) == pairs(world.first, "kk", "en") | pairs(world.second, "ru")


def test_newest_changes_come_first_and_a_burst_is_one_rebuild(world: World) -> None:
    world.first.overdue.title = "First change"
    db.session.commit()
    world.second.broken.title = "Second change"
    db.session.commit()
    world.first.overdue.title = "Third change"
    db.session.commit()
    order = freshness.pending(db.session())
    assert order[:2] == sorted(pairs(world.first, "kk", "en"))
    assert order[2:] == sorted(pairs(world.second, "ru"))


# --------------------------------------------------------------------------- the worker's side

def test_the_worker_renders_the_newest_change_first_and_readers_get_the_cached_file(
        world: World, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    world.second.broken.title = "Build a bridge over the river, with lights"
    db.session.commit()
    world.first.overdue.title = "Lay a water pipe to the school and the clinic"
    db.session.commit()
    rendered: list[tuple[int, str]] = []
    real = services.dossier_pdf

    def recording(item: services.PreparedDossier,
                  wait: bool = True) -> tuple[str, services.Served]:
        rendered.append((item.dossier.akim_id, item.language))
        return real(item, wait)

    monkeypatch.setattr(services, "dossier_pdf", recording)
    result = freshness.drain(db.session(), seconds=120)
    assert (result.taken, result.rendered, result.failed, result.more) == (3, 3, 0, False)
    assert rendered == [*sorted(pairs(world.first, "en", "kk")), *pairs(world.second, "ru")]
    assert freshness.pending(db.session()) == []
    # A reader now gets the rebuilt file: no render in the request.
    response = client.get(f"/akims/{world.first.term.akim_id}/accountability.pdf?lang=en")
    assert response.headers["X-Dossier-Cache"] == "hit"
    # A table cell may wrap the title over lines: compare the words, not the line breaks.
    assert "and the clinic" in " ".join(pdf_text(response.get_data()).split())


def test_a_rebuild_replaces_the_file_it_supersedes(world: World,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "SUPERSEDED_GRACE", timedelta(0))
    akim_id = world.second.term.akim_id
    world.second.broken.title = "A first wording"
    db.session.commit()
    freshness.drain(db.session(), seconds=60)
    first = db.session.get(DossierDemand, (akim_id, "ru"))
    assert first is not None and first.built_file
    old_key = first.built_file
    assert store.exists(old_key)
    world.second.broken.title = "A second wording"
    db.session.commit()
    freshness.drain(db.session(), seconds=60)
    latest = db.session.get(DossierDemand, (akim_id, "ru"))
    assert latest is not None and latest.built_file and latest.built_file != old_key
    assert store.exists(latest.built_file)
    assert not store.exists(old_key)
    assert not store.exists(old_key.removesuffix(".pdf") + ".pages")


def test_the_worker_leaves_a_dossier_being_rendered_or_rendered_alone(
        world: World, lease_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    akim_id = world.second.term.akim_id
    world.second.broken.title = "Build a bridge over the river, with lights"
    db.session.commit()
    item = services.prepare(akim_id, "ru")
    assert item is not None
    db.session.commit()
    real = services.render_dossier
    renders: list[str] = []

    def recording(prepared: services.PreparedDossier, *args: Any) -> Any:
        renders.append(prepared.rendition)
        return real(prepared, *args)

    monkeypatch.setattr(services, "render_dossier", recording)
    # A reader's request is rendering it: the worker neither renders it nor waits for it.
    lease = locks.acquire(services.lease_name(item.rendition), 60)
    assert lease is not None
    started = time.monotonic()
    result = freshness.drain(db.session(), seconds=60)
    assert time.monotonic() - started < 5
    assert (result.taken, result.rendered, result.left_to_readers) == (1, 0, 1)
    assert renders == [] and freshness.pending(db.session()) == []
    # The reader's render is done: queued again, the worker finds the file and stops there.
    locks.release(lease)
    assert services.dossier_pdf(item) == (store.dossier_key(item.rendition),
                                          services.Served.MISS)
    freshness.queue(db.session(), [akim_id])
    db.session.commit()
    result = freshness.drain(db.session(), seconds=60)
    assert (result.taken, result.rendered, result.left_to_readers) == (1, 0, 0)
    assert renders == [item.rendition]  # the reader's only


def test_the_dossier_route_records_what_readers_ask_for(client: FlaskClient,
                                                        count_queries: Any) -> None:
    term = TermFactory()
    db.session.commit()
    url = f"/akims/{term.akim_id}/accountability.pdf"
    first = client.get(url + "?lang=ru")
    assert first.headers["X-Dossier-Cache"] == "miss"
    demand = db.session.get(DossierDemand, (term.akim_id, "ru"))
    assert demand is not None
    stamp = demand.requested_at
    with count_queries() as statements:
        again = client.get(url + "?lang=ru")
    assert again.headers["X-Dossier-Cache"] == "hit"
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    db.session.expire_all()
    assert db.session.get(DossierDemand, (term.akim_id, "ru")).requested_at == stamp  # type: ignore[union-attr]
    assert db.session.get(DossierDemand, (term.akim_id, "kk")) is None


def test_a_new_day_queues_every_asked_for_dossier_and_forgets_old_demand(world: World) -> None:
    stale = db.session.get(DossierDemand, (world.second.term.akim_id, "ru"))
    assert stale is not None
    stale.requested_at = utcnow() - timedelta(days=20)
    db.session.commit()
    assert freshness.queue_new_day(db.session(), forget_after_days=14) == 2
    assert queued(world) == pairs(world.first, "kk", "en")
    assert db.session.get(DossierDemand, (world.second.term.akim_id, "ru")) is None
