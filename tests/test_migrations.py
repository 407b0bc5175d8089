"""Migrations: one head, and the models match them (autogenerate finds nothing to add)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from portal.extensions import db
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
