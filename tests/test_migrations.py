"""Migrations: one head, the models match them (autogenerate finds nothing to add), and on
SQLite a batch change keeps the rows that cascade from the table it copies."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy.engine import Connection

from portal.extensions import broken_references, configure_sqlite, db, foreign_keys_held_back
from portal.search.models import include_name


def test_one_head(app: Flask) -> None:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}; merge them"


def test_models_match_migrations(app: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": include_name})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models differ from migrations; run flask db migrate: {differences}"


# --------------------------------------------------------------------------- SQLite batch mode

def _parent_with_a_cascading_child(connection: Connection) -> None:
    connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)")
    connection.exec_driver_sql(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "REFERENCES parent (id) ON DELETE CASCADE)")
    connection.exec_driver_sql("INSERT INTO parent VALUES (1, 'a')")
    connection.exec_driver_sql("INSERT INTO child VALUES (10, 1)")


def _batch_change_of_parent(connection: Connection) -> None:
    """What `op.batch_alter_table` does on SQLite: copy the table, drop it, rename the copy."""
    with connection.begin():
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("parent", recreate="always") as batch:
            batch.add_column(sa.Column("note", sa.Text()))


def _sqlite(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'batch.sqlite'}")
    configure_sqlite(engine)  # foreign keys on, as the app's engine
    return engine


def test_a_batch_change_keeps_the_rows_that_cascade_from_the_table(tmp_path: Path) -> None:
    engine = _sqlite(tmp_path)
    with engine.connect() as connection, connection.begin():
        _parent_with_a_cascading_child(connection)
    with engine.connect() as connection, foreign_keys_held_back(connection):
        _batch_change_of_parent(connection)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM child").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_without_the_guard_the_same_change_deletes_them(tmp_path: Path) -> None:
    """Why migrations/env.py holds foreign keys back: SQLite's DROP TABLE deletes first."""
    engine = _sqlite(tmp_path)
    with engine.connect() as connection:
        with connection.begin():
            _parent_with_a_cascading_child(connection)
        _batch_change_of_parent(connection)
        assert connection.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0
    engine.dispose()


def test_a_reference_left_broken_is_named(tmp_path: Path) -> None:
    engine = _sqlite(tmp_path)
    with engine.connect() as connection, connection.begin():
        _parent_with_a_cascading_child(connection)
    with engine.connect() as connection, foreign_keys_held_back(connection), connection.begin():
        connection.exec_driver_sql("DELETE FROM parent")
        assert broken_references(connection) == ["child row 10 → parent"]
    engine.dispose()
