"""The akim accountability portal. `create_app` is the only place an app is built."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as config_layers
from portal import jobs

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment, then `config`."""
    instance_path = Path(os.environ.get("PORTAL_INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config_layers.defaults(instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_layers.from_environment(os.environ))
    if config:
        app.config.update(config)
    settings = dict(app.config)
    config_layers.finalise(settings, instance_path, config)
    app.config.update(settings)

    if app.config.get("TRUSTED_PROXIES"):
        # Behind N reverse proxies: take the client address and scheme from their headers, so
        # rate limits count real clients. Never enable without a proxy that sets them.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _init_extensions(app)
    from portal.web.safety import register_converters

    register_converters(app)
    _register_blueprints(app)
    jobs.register_tasks()
    # Every signal a domain sends is recorded as an event, in web processes and the worker.
    from portal.notifications import receivers

    receivers.connect()

    from portal import cli
    from portal.web import assets, compression, errors, headers, page_cache, templating

    errors.register(app)
    headers.register(app)
    # Before the page cache: Flask runs after-request hooks in reverse order, so compression
    # sees a response after the page cache stored it (compressed, which it then leaves alone).
    compression.register(app)
    page_cache.register(app)
    assets.register(app)
    templating.register(app)
    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal import (
        jobs,
        models,  # noqa: F401 - every model registered before mappers configure
        storage,
    )
    from portal.accounts import sessions
    from portal.extensions import (
        babel,
        cache,
        configure_sqlite,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
    )
    from portal.web.locale import select_locale, select_timezone

    db.init_app(app)
    from portal.search import index as search_index

    search_index.listen()
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    cache.init_app(app)
    limiter.init_app(app)
    sessions.init_login(app, login_manager)
    jobs.init_app(app)
    storage.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.account_views import blueprint as account
    from portal.accounts.verification_views import blueprint as verification
    from portal.accounts.views import blueprint as accounts
    from portal.admin.views import blueprint as admin
    from portal.akims.views import blueprint as akims
    from portal.api.views import blueprint as api
    from portal.budgets.views import blueprint as budgets
    from portal.comparisons.views import blueprint as comparisons
    from portal.exports.views import blueprint as exports
    from portal.feedback.views import blueprint as feedback
    from portal.geo.views import blueprint as geo
    from portal.meetings.views import blueprint as meetings
    from portal.notifications.views import blueprint as notifications
    from portal.opendata.views import blueprint as opendata
    from portal.promises.views import blueprint as promises
    from portal.recall.views import blueprint as recall
    from portal.reports.views import blueprint as reports
    from portal.web.views import blueprint as web

    for blueprint in (web, accounts, account, verification, admin, geo, akims, api, reports,
                      budgets, promises, recall, opendata, feedback, exports, meetings,
                      notifications, comparisons):
        app.register_blueprint(blueprint)
