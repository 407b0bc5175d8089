"""The portal served for the browser tests as production serves it: `scripts/serve.sh`
(gunicorn and a Huey consumer) on 127.0.0.1, on a fresh demo database of the kind the run
uses (an SQLite file, or a throwaway PostgreSQL database) and, when a test Redis is given,
Redis on a database number of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
REDIS_DB = 13  # the unit tests use 15; the served app flushes and uses this one
# The journeys sign in a dozen times within a minute from one address; the production
# limits (10 a minute per address, 5 per account) would refuse the later ones.
INSTANCE_CONFIG = """\
RATELIMIT_LOGIN = "500 per minute"
RATELIMIT_LOGIN_ACCOUNT = "500 per minute"
RATELIMIT_REGISTER = "500 per hour"
"""
EXTRA_RESIDENTS = ("phone@e2e.demo.kz", "keyboard@e2e.demo.kz", "kazakh@e2e.demo.kz",
                   "russian@e2e.demo.kz", "forms-kk@e2e.demo.kz", "forms-ru@e2e.demo.kz",
                   "follower@e2e.demo.kz")
FOLLOWED_AKIM = "akim-followed@e2e.demo.kz"  # the follow journey's akim (tests/e2e/residents.py)


class ServerError(RuntimeError):
    """The portal could not be prepared or did not come up."""


@dataclass(frozen=True)
class ServedPortal:
    base_url: str
    instance: Path
    log: Path
    environment: dict[str, str]  # what serve.sh runs with: run helpers against the same data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(instance: Path) -> Iterator[str]:
    """An empty database for the served app, dropped afterwards when it is PostgreSQL."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{instance / 'portal.db'}"
        return
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"portal_e2e_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server_url).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_url(number: int = REDIS_DB) -> str | None:
    """TEST_REDIS_URL with its database number replaced by `number`, flushed."""
    base = os.environ.get("TEST_REDIS_URL")
    if not base:
        return None
    import redis

    url = sa.engine.make_url(base.replace("redis://", "postgresql://", 1))
    ours = "redis://" + url.set(database=str(number)).render_as_string(
        hide_password=False).split("://", 1)[1]
    redis.Redis.from_url(ours).flushdb()
    return ours


def environment(instance: Path, database_url: str, redis: str | None, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_", "PYTEST_"))}
    env.pop("REDIS_URL", None)
    env.update({
        "PORTAL_ENV": "development",  # production insists on HTTPS cookies
        "PORTAL_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    })
    if redis:
        env["REDIS_URL"] = redis
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        result = subprocess.run(args, cwd=ROOT, env=env, stdout=out,  # noqa: S603
                                stderr=subprocess.STDOUT, check=False, timeout=300)
    if result.returncode:
        raise ServerError(f"{' '.join(args)} failed; see {log}")


def prepare(env: dict[str, str], log: Path) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "portal"]
    _run([*flask, "db", "upgrade"], env, log)
    _run([*flask, "seed", "--scale", "demo"], env, log)
    _run([str(VENV_BIN / "python"), "-m", "tests.e2e.residents", *EXTRA_RESIDENTS], env, log)
    _run([str(VENV_BIN / "python"), "-m", "tests.e2e.residents", "--akim", FOLLOWED_AKIM],
         env, log)


def wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path,
                 timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the server exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise ServerError(f"no healthy answer from {base_url}/healthz in {timeout:.0f} s; see {log}")


@contextmanager
def served_portal(instance: Path, smtp_port: int | None = None) -> Iterator[ServedPortal]:
    """The served portal; with `smtp_port`, its mail goes by SMTP to 127.0.0.1 on that port
    (the test's own server), otherwise to instance/outbox/."""
    instance.mkdir(parents=True, exist_ok=True)
    mail = ("" if smtp_port is None else
            f'MAIL_SERVER = "127.0.0.1"\nMAIL_PORT = {smtp_port}\nMAIL_USE_TLS = False\n')
    (instance / "config.py").write_text(INSTANCE_CONFIG + mail)
    log = instance / "server.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    redis = redis_url()
    with database(instance) as database_url:
        env = environment(instance, database_url, redis, port)
        prepare(env, log)
        # serve.sh derives PUBLIC_BASE_URL from PORT as `make run` does (the links test checks
        # the result); the helpers run beside it get the same value spelled out.
        served_env = {key: value for key, value in env.items() if key != "PUBLIC_BASE_URL"}
        with log.open("a") as out:
            process = subprocess.Popen(  # noqa: S603
                [str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=served_env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_healthy(base_url, process, log)
            yield ServedPortal(base_url, instance, log, env)
        finally:
            stop(process)
            if redis:
                import redis as redis_client

                redis_client.Redis.from_url(redis).flushdb()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop serve.sh's process group (gunicorn, its workers and the job consumer)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
