"""Background jobs with Huey: SQLite storage by default, Redis when REDIS_URL is set.

Tasks are declared at import time with `@app_task(...)` on the module-level `huey`; the storage
is chosen in `init_app` from the app's configuration. Every task runs inside an app context of
the app that configured the queue. The worker process is `huey_consumer portal.worker.huey`.
In tests (`JOBS_IMMEDIATE`), tasks run inline at enqueue time.

Every module that declares tasks is listed in `TASK_MODULES` and imported when the app is built
(`register_tasks`), so the web processes and the worker know the same tasks whichever views
they happen to import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

F = TypeVar("F", bound=Callable[..., Any])

huey = Huey("portal", storage_class=MemoryStorage, utc=True)

TASK_MODULES = (
    "portal.audit.tasks",
    "portal.budgets.tasks",
    "portal.exports.tasks",
    "portal.notifications.tasks",
    "portal.opendata.tasks",
    "portal.recall.tasks",
    "portal.reports.tasks",
    "portal.storage.tasks",
)
_state: dict[str, Flask] = {}


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage; tasks will run in this app's context."""
    _state["app"] = app
    if app.config.get("JOBS_IMMEDIATE"):
        huey.storage_class, huey.storage_kwargs = MemoryStorage, {}
        huey.immediate = True
        huey.storage = huey.create_storage()
        return
    huey.immediate = False
    huey.name = app.config.get("JOBS_QUEUE_NAME", "portal")
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": redis_url}
    else:
        path = Path(app.config["HUEY_SQLITE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(path)}
    huey.storage = huey.create_storage()
    app.extensions["huey"] = huey


def register_tasks() -> None:
    """Import every task module (idempotent): called by `create_app`, in web and worker."""
    for name in TASK_MODULES:
        import_module(name)


def current_app_for_jobs() -> Flask:
    app = _state.get("app")
    if app is None:  # a worker process: build the app once
        from portal import create_app

        app = create_app()
    return app


def in_app_context(function: F) -> F:
    """Run a task body inside an app context, with a fresh database session."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from portal.extensions import db

        app = current_app_for_jobs()
        with app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()

    return wrapper  # type: ignore[return-value]


def app_task(**options: Any) -> Callable[[F], Any]:
    """`@app_task(retries=1)` — a Huey task that runs in the app's context."""

    def decorator(function: F) -> Any:
        return huey.task(**options)(in_app_context(function))

    return decorator


def app_periodic_task(schedule: Any, **options: Any) -> Callable[[F], Any]:
    """`@app_periodic_task(crontab(hour="2", minute="15"))` — a scheduled task in app context."""

    def decorator(function: F) -> Any:
        return huey.periodic_task(schedule, **options)(in_app_context(function))

    return decorator


@huey.on_startup("heartbeat")
def _start_heartbeat() -> None:
    """In each consumer process: beat before the first task, then in the background."""
    from portal import heartbeat

    heartbeat.start(current_app_for_jobs())
