"""Dossiers ready before they are asked for: which dossiers a change makes stale, and the queue
from which the job worker rebuilds them, newest change first.

Every commit that writes to a table a dossier reads (`SOURCES`) queues, in the same
transaction, the (akim, language) pairs the change can alter — in the languages readers have
asked for that akim's dossier in (`DossierDemand`) — stamped with the time of the change.
Changed rows are found from the ORM objects flushed and from bulk statements (their
parameters and WHERE clause); a bulk statement whose rows cannot be told queues every asked-for
dossier (and is logged), never fewer. After the commit the worker is woken
(`tasks.rebuild_dossiers`): it takes the newest change first, prepares that dossier and renders
it unless the PDF of exactly that data is cached already or a reader's request is rendering
it (one render per rendition at a time: `services.dossier_pdf`). A new Almaty day changes every
dossier ("data as of"), so just after midnight every asked-for one is queued again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, event, exists, func, inspect, literal, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList

from portal.akims.models import Akim, Term
from portal.exports import store
from portal.exports.models import DossierDemand, DossierRebuild
from portal.geo.models import District, RuralDistrict
from portal.modeling import UTCDateTime, as_utc, utcnow
from portal.promises.models import Promise, PromiseUpdate
from portal.recall.models import Flag
from portal.reports.models import Report

log = logging.getLogger(__name__)

CHANGES = "portal_dossier_changes"  # session.info: {(table, column): set of values}
QUEUED = "portal_dossier_queued"  # session.info: rows were queued, wake the worker
EVERY_ROW = "*"  # a column name meaning: the rows are unknown, every dossier may change
CHUNK = 5_000  # keys per IN (...) list; SQLite allows 32,766 parameters a statement
# A pair's demand is written at most this often: a public GET rarely writes.
DEMAND_REFRESH = timedelta(hours=12)
# A replaced dossier file is deleted at once unless used this recently.
SUPERSEDED_GRACE = timedelta(minutes=5)

Resolver = Callable[[list[Any]], Select[Any]]


# --------------------------------------------------------------------------- sources

def _akims(keys: list[Any]) -> Select[Any]:
    return select(Akim.id).where(Akim.id.in_(keys))


def _terms(keys: list[Any]) -> Select[Any]:
    return select(Term.akim_id).where(Term.id.in_(keys))


def _rural_districts(keys: list[Any]) -> Select[Any]:
    return select(Term.akim_id).where(Term.rural_district_id.in_(keys))


def _districts(keys: list[Any]) -> Select[Any]:
    return (select(Term.akim_id).join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .where(RuralDistrict.district_id.in_(keys)))


def _regions(keys: list[Any]) -> Select[Any]:
    return (select(Term.akim_id).join(RuralDistrict, RuralDistrict.id == Term.rural_district_id)
            .join(District, District.id == RuralDistrict.district_id)
            .where(District.region_id.in_(keys)))


def _reports(keys: list[Any]) -> Select[Any]:
    return select(Term.akim_id).join(Report, Report.term_id == Term.id).where(Report.id.in_(keys))


def _promises(keys: list[Any]) -> Select[Any]:
    return (select(Term.akim_id).join(Promise, Promise.term_id == Term.id)
            .where(Promise.id.in_(keys)))


def _promise_updates(keys: list[Any]) -> Select[Any]:
    return (select(Term.akim_id).join(Promise, Promise.term_id == Term.id)
            .join(PromiseUpdate, PromiseUpdate.promise_id == Promise.id)
            .where(PromiseUpdate.id.in_(keys)))


def _paying_functions(keys: list[Any]) -> Select[Any]:
    return (select(Term.akim_id).join(Promise, Promise.term_id == Term.id)
            .where(Promise.budget_function_id.in_(keys)))


def _flags(keys: list[Any]) -> Select[Any]:
    return select(Term.akim_id).join(Flag, Flag.term_id == Term.id).where(Flag.id.in_(keys))


# Every table whose rows some dossier shows, directly or through a reader, with the columns
# that tell which akims a changed row concerns (preferred first) and the query from their
# values to akim ids. No columns: any change concerns every dossier (the demo-data mark).
# Budget lines reach dossiers through their yearly summaries, which every import refreshes in
# the same transaction; report versions through the report's current version.
# tests/exports/test_freshness.py records the statements that preparing dossiers runs and
# fails when a table read is missing here, or listed and unread.
SOURCES: dict[str, tuple[tuple[str, Resolver], ...]] = {
    "akim": (("id", _akims),),
    "term": (("akim_id", _akims), ("id", _terms)),
    "region": (("id", _regions),),
    "district": (("id", _districts),),
    "rural_district": (("id", _rural_districts),),
    "promise": (("term_id", _terms), ("id", _promises)),
    "promise_update": (("promise_id", _promises), ("id", _promise_updates)),
    "promise_evidence": (("update_id", _promise_updates),),
    "report": (("term_id", _terms), ("id", _reports)),
    "report_promise_entry": (("report_id", _reports),),
    "budget_year_summary": (("rural_district_id", _rural_districts),),
    "budget_decision": (("rural_district_id", _rural_districts),),
    # Each promise row names the functional group that pays for it (by code): a changed
    # group concerns the akims with a promise it pays; a new one, nobody yet.
    "budget_function": (("id", _paying_functions),),
    "term_rating_tally": (("term_id", _terms),),
    "recall_flag": (("term_id", _terms), ("id", _flags)),
    "site_meta": (),
}


# --------------------------------------------------------------------------- noting changes

@dataclass
class Changes:
    """Keys of the changed rows of one transaction, per (table, column); and akims found
    already (for rows deleted by a bulk statement, looked up before they went)."""

    keys: dict[tuple[str, str], set[Any]]
    akims: set[int]

    @property
    def every_row(self) -> bool:
        return any(column == EVERY_ROW for _table, column in self.keys)


def _changes(session: Session) -> Changes:
    changes = session.info.get(CHANGES)
    if changes is None:
        changes = session.info[CHANGES] = Changes({}, set())
    return changes


def _note(session: Session, table: str, column: str, values: Iterable[Any]) -> None:
    found = _changes(session).keys.setdefault((table, column), set())
    found.update(value for value in values if value is not None)


def _note_object(session: Session, obj: Any) -> None:
    table = getattr(obj, "__tablename__", None)
    columns = SOURCES.get(table) if table else None
    if columns is None:
        return
    assert table is not None  # noqa: S101 - for mypy: SOURCES has no None key
    state = inspect(obj)
    for column, _resolver in columns:
        values: set[Any] = set()
        if column in state.dict:
            values.add(state.dict[column])
        if column in state.attrs:
            values.update(state.attrs[column].history.deleted or ())
        if column == "id" and state.identity:
            values.add(state.identity[0])
        values.discard(None)
        if values:
            _note(session, table, column, values)
            return
    _note(session, table, EVERY_ROW, ())  # nothing tells: every dossier, never fewer


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Deleted rows are noted before they go: the keys to their akims may go with them.
    for obj in session.deleted:
        table = getattr(obj, "__tablename__", None)
        if table in SOURCES:
            for column, _resolver in SOURCES[table]:
                getattr(obj, column, None)  # loads an expired key while the row exists
            _note_object(session, obj)


def _after_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        _note_object(session, obj)


def _bound_values(parameter: BindParameter[Any],
                  params: list[dict[str, Any]]) -> list[Any] | None:
    """The values a bound parameter takes in this execution; None when they are unknown."""
    if params and all(parameter.key in row for row in params):
        values: list[Any] = []
        for row in params:
            value = row[parameter.key]
            values.extend(value if isinstance(value, list | tuple | set) else [value])
        return values
    if parameter.callable is not None or parameter.value is None:
        return None
    value = parameter.value
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def _where_keys(clause: Any, table: str, columns: tuple[str, ...],
                params: list[dict[str, Any]]) -> tuple[str, list[Any]] | None:
    """(column, values) from a `column = x` or `column IN (...)` among the AND-ed terms of a
    WHERE clause: every row it touches has one of those values."""
    if clause is None:
        return None
    terms = (list(clause.clauses) if isinstance(clause, BooleanClauseList)
             and clause.operator is operators.and_ else [clause])
    found: dict[str, list[Any]] = {}
    for term in terms:
        if not isinstance(term, BinaryExpression) or not isinstance(term.right, BindParameter):
            continue
        left = term.left
        if (getattr(getattr(left, "table", None), "name", None) != table
                or getattr(left, "name", None) not in columns
                or term.operator not in (operators.eq, operators.in_op)):
            continue
        values = _bound_values(term.right, params)
        if values is not None:
            found[str(getattr(left, "name", ""))] = values
    return next(((column, found[column]) for column in columns if column in found), None)


def _insert_keys(statement: Any, columns: tuple[str, ...],
                 params: list[dict[str, Any]]) -> tuple[str, list[Any]] | None:
    for column in columns:
        if params and all(column in row for row in params):
            return column, [row[column] for row in params]
    for key, value in (getattr(statement, "_values", None) or {}).items():
        name = getattr(key, "name", key)
        if name in columns and isinstance(value, BindParameter):
            values = _bound_values(value, params)
            if values is not None:
                return str(name), values
    return None


def _on_execute(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE and DELETE statements on a source table (before they run)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    statement = state.statement
    table = getattr(getattr(statement, "table", None), "name", None)
    if table not in SOURCES:
        return
    assert table is not None  # noqa: S101 - for mypy
    session = state.session
    sources = SOURCES[table]
    columns = tuple(column for column, _resolver in sources)
    raw: Any = state.parameters
    params: list[dict[str, Any]] = ([dict(row) for row in raw] if isinstance(raw, list | tuple)
                                    else [dict(raw)] if raw else [])
    where = getattr(statement, "whereclause", None)
    keys: tuple[str, list[Any]] | None = None
    if state.is_insert:
        keys = _insert_keys(statement, columns, params)
    elif where is None and params:
        keys = next(((column, [row[column] for row in params]) for column in columns
                     if all(column in row for row in params)), None)  # bulk by primary key
    else:
        keys = _where_keys(where, table, columns, params)
    if keys is None:
        if columns:
            log.info("dossiers: a bulk %s on %s names no rows; every asked-for dossier is "
                     "queued", type(statement).__name__.lower(), table)
        _note(session, table, EVERY_ROW, ())
    elif state.is_delete:
        # The rows that lead to the akims may be the ones going: look them up now.
        resolver = dict(sources)[keys[0]]
        _changes(session).akims.update(_resolve(session, resolver, keys[1]))
    else:
        _note(session, table, *keys)


# --------------------------------------------------------------------------- queueing

def _resolve(session: Session, resolver: Resolver, values: Iterable[Any]) -> set[int]:
    keys = sorted(set(values), key=str)
    akims: set[int] = set()
    for start in range(0, len(keys), CHUNK):
        akims.update(session.scalars(resolver(keys[start:start + CHUNK])))
    return akims


def affected_akims(session: Session, changes: Changes) -> set[int] | None:
    """Akim ids whose dossier the noted changes can alter; None for every akim."""
    if changes.every_row:
        return None
    akims = set(changes.akims)
    for (table, column), values in changes.keys.items():
        akims |= _resolve(session, dict(SOURCES[table])[column], values)
    return akims


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def queue(session: Session, akim_ids: Iterable[int] | None,
          changed_at: datetime | None = None) -> int:
    """Queue the asked-for languages of these akims' dossiers (of every akim for None),
    stamped `changed_at`; a pair queued already keeps the later stamp. Does not commit.
    Returns how many pairs were queued or moved up."""
    stamp = literal(changed_at or utcnow(), UTCDateTime()).label("changed_at")
    if akim_ids is None:
        conditions: list[Any] = [true()]
    else:
        ordered = sorted(set(akim_ids))
        conditions = [DossierDemand.akim_id.in_(ordered[start:start + CHUNK])
                      for start in range(0, len(ordered), CHUNK)]
    queued = 0
    for condition in conditions:
        statement = _insert(session)(DossierRebuild).from_select(
            ["akim_id", "language", "changed_at"],
            select(DossierDemand.akim_id, DossierDemand.language, stamp).where(condition))
        # RETURNING counts the rows written (psycopg reports no rowcount for INSERT … SELECT).
        queued += len(session.execute(statement.on_conflict_do_update(
            index_elements=["akim_id", "language"],
            set_={"changed_at": statement.excluded.changed_at},
            where=DossierRebuild.changed_at < statement.excluded.changed_at)
            .returning(DossierRebuild.akim_id)).all())
    return queued


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # pending objects are noted by the flush hooks
    changes: Changes | None = session.info.pop(CHANGES, None)
    if changes is None or not (changes.keys or changes.akims):
        return
    if not session.scalar(select(exists().select_from(DossierDemand))):
        return  # nobody has asked for a dossier: nothing to keep ready
    akims = affected_akims(session, changes)
    if akims is not None and not akims:
        return
    if queue(session, akims):
        session.info[QUEUED] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(QUEUED, False):
        return
    from portal.exports import tasks

    try:
        tasks.rebuild_dossiers()
    except Exception:  # a queue outage must never fail a saved change; the next wakes it
        log.exception("could not wake the job worker; queued dossiers wait for the next change")


def _after_rollback(session: Session) -> None:
    session.info.pop(CHANGES, None)
    session.info.pop(QUEUED, None)


def listen_for_changes() -> None:
    """Session events for every session, web, CLI and worker alike (once per process)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


# --------------------------------------------------------------------------- demand and the worker

def record_demand(session: Session, akim_id: int, language: str) -> None:
    """A reader was served this dossier: keep it rebuilt ahead of the next one. Writes (and
    commits) only when the pair is new or its demand older than DEMAND_REFRESH."""
    now = utcnow()
    requested = as_utc(session.scalar(select(DossierDemand.requested_at).where(
        DossierDemand.akim_id == akim_id, DossierDemand.language == language)))
    if requested is not None and now - requested < DEMAND_REFRESH:
        return
    statement = _insert(session)(DossierDemand).values(
        akim_id=akim_id, language=language, requested_at=now)
    try:
        session.execute(statement.on_conflict_do_update(
            index_elements=["akim_id", "language"], set_={"requested_at": now}))
        session.commit()
    except SQLAlchemyError:  # a busy database must not cost the reader the dossier
        session.rollback()
        log.warning("could not record the demand for akim %s (%s)", akim_id, language,
                    exc_info=True)


def take_newest(session: Session) -> tuple[int, str] | None:
    """Claim the most recently changed queued dossier (commits); None when none is queued.
    Two workers never take the same row: whoever deletes it has it."""
    while True:
        row = session.execute(
            select(DossierRebuild.akim_id, DossierRebuild.language, DossierRebuild.changed_at)
            .order_by(DossierRebuild.changed_at.desc(), DossierRebuild.akim_id,
                      DossierRebuild.language).limit(1)).first()
        if row is None:
            session.commit()
            return None
        taken = session.execute(delete(DossierRebuild).where(
            DossierRebuild.akim_id == row.akim_id, DossierRebuild.language == row.language,
            DossierRebuild.changed_at == row.changed_at)
            .returning(DossierRebuild.akim_id)).first()
        session.commit()
        if taken is not None:
            return int(row.akim_id), str(row.language)


@dataclass
class Drained:
    taken: int = 0
    rendered: int = 0
    failed: int = 0
    left_to_readers: int = 0  # being rendered by a request (or another worker) already
    more: bool = False  # stopped at the time limit with dossiers still queued


def drain(session: Session, seconds: float) -> Drained:
    """Rebuild queued dossiers, newest change first, for up to about `seconds`."""
    from portal.exports import services

    result = Drained()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        claimed = take_newest(session)
        if claimed is None:
            return result
        result.taken += 1
        akim_id, language = claimed
        try:
            item = services.prepare(akim_id, language)
            session.commit()  # no transaction held open through the render
            if item is None:
                continue
            # A dossier being rendered by a reader's request is left to it (`busy`): the
            # worker neither renders it again nor waits; the file will be at `key`.
            key, served = services.dossier_pdf(item, wait=False)
            result.rendered += served is services.Served.MISS
            result.left_to_readers += served is services.Served.BUSY
            _replace_built(session, akim_id, language, key)
        except Exception:  # one dossier that fails must not hold up the others
            session.rollback()
            result.failed += 1
            log.exception("could not rebuild the dossier of akim %s (%s)", akim_id, language)
    result.more = bool(session.scalar(select(exists().select_from(DossierRebuild))))
    session.commit()
    return result


def _replace_built(session: Session, akim_id: int, language: str, key: str) -> None:
    """Note the pair's new file (its storage key) and delete the one it replaces (unless
    still in use)."""
    demand = session.get(DossierDemand, (akim_id, language))
    if demand is None or demand.built_file == key:
        session.commit()
        return
    replaced, demand.built_file = demand.built_file, key
    session.commit()
    if replaced and not session.scalar(select(exists().where(
            DossierDemand.built_file == replaced))):
        store.remove_superseded_dossier(replaced, SUPERSEDED_GRACE)
    session.commit()


def queue_new_day(session: Session, forget_after_days: int) -> int:
    """After Almaty midnight every asked-for dossier shows a new "data as of" day: queue them
    all; pairs nobody asked for in `forget_after_days` are forgotten first. Commits."""
    session.execute(delete(DossierDemand).where(
        DossierDemand.requested_at < utcnow() - timedelta(days=forget_after_days)))
    queue(session, None)
    session.commit()
    return int(session.scalar(select(func.count()).select_from(DossierRebuild)) or 0)


def pending(session: Session) -> list[tuple[int, str]]:
    """The queue, newest change first."""
    return [(int(row.akim_id), str(row.language)) for row in session.execute(
        select(DossierRebuild.akim_id, DossierRebuild.language)
        .order_by(DossierRebuild.changed_at.desc(), DossierRebuild.akim_id,
                  DossierRebuild.language))]
