"""Alembic environment: migrations run against the app's own engine and model metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from portal.extensions import broken_references, foreign_keys_held_back

config = context.config
if config.config_file_name is not None and not current_app.testing:
    # Keep the app's loggers: tests and the server configure their own.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_extension = current_app.extensions["migrate"]
target_metadata = migrate_extension.db.metadata
config.set_main_option(
    "sqlalchemy.url",
    migrate_extension.db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives):  # noqa: ANN001
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(migrate_extension.configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    configure_args.setdefault("compare_type", True)
    configure_args.setdefault("render_as_batch", True)
    from portal.search.models import include_name  # the SQLite FTS5 tables are not models

    configure_args.setdefault("include_name", include_name)
    with migrate_extension.db.engine.connect() as connection, \
            foreign_keys_held_back(connection):
        context.configure(connection=connection, target_metadata=target_metadata,
                          **configure_args)
        with context.begin_transaction():
            context.run_migrations()
            broken = broken_references(connection)
            if broken:  # raised inside the transaction: the upgrade is rolled back whole
                raise RuntimeError("the migration left references pointing nowhere: "
                                   + "; ".join(broken[:10]))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
