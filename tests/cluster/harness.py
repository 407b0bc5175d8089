"""Two app machines on one host: two gunicorn instances on their own ports with their own
instance folders, one job consumer, sharing the run's database (a fresh SQLite file or a
throwaway PostgreSQL database), Redis (a database number of its own) and an S3 server (moto,
on 127.0.0.1). Processes are started and killed by the tests, by their ids."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

from tests.e2e.browsing import PASSWORD
from tests.e2e.server import ROOT, VENV_BIN, database, free_port, redis_url
from tests.s3server import CREDENTIALS, create_bucket, s3_server

# Three below the unit tests' database (15 → 12; the browser tests use 13), so that runs on
# both databases at once, each with its own TEST_REDIS_URL number, do not share a cluster's.
REDIS_OFFSET = 3
RESIDENTS = tuple(f"resident{number:02d}@cluster.demo.kz" for number in range(24))
# Sign-ins from one address are many here; the per-account limit (what the rehearsal checks
# across machines) keeps its production value.
INSTANCE_CONFIG = """\
RATELIMIT_LOGIN = "1000 per minute"
RATELIMIT_VOTE = "1000 per minute"
WORKER_HEARTBEAT_SECONDS = 1
RATING_WINDOW_DAYS = 100000
EXPORT_RENDER_PROCESSES = 1
"""


class ClusterError(RuntimeError):
    """A process of the cluster did not start or answer."""


@dataclass
class Machine:
    """One app instance: gunicorn with two workers, on its own port and instance folder."""

    name: str
    port: int
    instance: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        assert self.process is not None
        return children(self.process.pid)


@dataclass
class Cluster:
    env: dict[str, str]
    root: Path
    a: Machine
    b: Machine
    consumer: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    # ----------------------------------------------------------------- processes
    def start_machine(self, machine: Machine) -> None:
        log = machine.instance / "gunicorn.log"
        env = {**self.env, "PORTAL_INSTANCE_PATH": str(machine.instance)}
        with log.open("ab") as out:
            machine.process = subprocess.Popen(  # noqa: S603 - our venv, fixed arguments
                [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{machine.port}",
                 "--workers", "2", "--timeout", "60", "--graceful-timeout", "5",
                 "portal:create_app()"], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: answers(machine.url + "/readyz"), 90,
                   f"{machine.name} did not come up; see {log}", machine.process)

    def start_consumer(self) -> None:
        instance = self.root / "consumer"
        instance.mkdir(exist_ok=True)
        (instance / "config.py").write_text(INSTANCE_CONFIG)
        log = instance / "consumer.log"
        env = {**self.env, "PORTAL_INSTANCE_PATH": str(instance)}
        with log.open("ab") as out:
            self.consumer = subprocess.Popen(  # noqa: S603
                [str(VENV_BIN / "huey_consumer"), "portal.worker.huey", "--workers", "2",
                 "--worker-type", "thread"], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)

    def kill_consumer(self) -> None:
        """SIGKILL: no shutdown hook, no cleanup, as when a machine dies."""
        assert self.consumer is not None
        os.kill(self.consumer.pid, signal.SIGKILL)
        self.consumer.wait(timeout=10)
        self.consumer = None

    def wait_worker_healthy(self, timeout: float = 90) -> None:
        wait_until(lambda: health(self.a.url).get("status") == "ok", timeout,
                   f"/healthz of A never said ok; see {self.root}")

    def stop(self) -> None:
        for process in (self.a.process, self.b.process, self.consumer):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.a.process, self.b.process, self.consumer):
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    # ----------------------------------------------------------------- running flask here
    def flask(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "PORTAL_INSTANCE_PATH": str(self.root / "consumer")}
        return subprocess.run([str(VENV_BIN / "flask"), "--app", "portal", *args],  # noqa: S603
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                              check=False)


# --------------------------------------------------------------------------- helpers

def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: the command may hold spaces, so split after ')'
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def health(base_url: str) -> dict[str, Any]:
    try:
        return dict(requests.get(base_url + "/healthz", timeout=10).json())
    except (requests.RequestException, ValueError):
        return {}


def wait_until(condition: Any, timeout: float, message: str,
               process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise ClusterError(message + f" (exited with {process.returncode})")
        time.sleep(0.25)
    raise ClusterError(message)


class _Form(HTMLParser):
    """The fields of the first form posting to `action` (or to its own page)."""

    def __init__(self, action: str | None) -> None:
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done:
            target = values.get("action", "")  # none: the form posts to its own page
            self.inside = self.action is None or not target or target.endswith(self.action)
        elif self.inside and tag == "input" and values.get("name"):
            kind = values.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in values:
                return
            if kind not in ("submit", "file", "button"):
                self.fields[values["name"]] = values.get("value", "")
        elif self.inside and tag == "textarea":
            self._textarea = values.get("name")
            self.fields[self._textarea or ""] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str | None = None) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    return parser.fields


def sign_in(base_url: str, email: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    fields = form_fields(session.get(base_url + "/login", timeout=30).text, "/login")
    response = session.post(base_url + "/login", timeout=30, allow_redirects=False,
                            data={**fields, "email": email, "password": password})
    if response.status_code != 302:
        raise ClusterError(f"signing in {email} on {base_url} gave {response.status_code}")
    return session


def csrf(session: requests.Session, url: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url, timeout=30).text)
    if not match:
        raise ClusterError(f"no CSRF token on {url}")
    return match.group(1)


# --------------------------------------------------------------------------- the fixture

@contextmanager
def cluster(root: Path) -> Iterator[Cluster]:
    base = os.environ.get("TEST_REDIS_URL", "")
    number = int(base.rsplit("/", 1)[1]) if re.search(r"/\d+$", base) else 15
    redis = redis_url(max(0, number - REDIS_OFFSET))
    if redis is None:
        raise ClusterError("TEST_REDIS_URL is not set: several machines need a shared Redis")
    with s3_server(root / "s3.log") as endpoint, database(root) as database_url:
        bucket = "portal-cluster"
        create_bucket(endpoint, bucket)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TEST_", "PYTEST_", "PORTAL_", "REDIS_", "STORAGE_"))}
        env.update(CREDENTIALS)
        port_a, port_b = free_port(), free_port()
        env.update({
            # Development: plain-HTTP cookies on 127.0.0.1. The production refusals are
            # tested apart (tests/test_production_config.py).
            "PORTAL_ENV": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis,
            "STORAGE_URL": f"s3://{bucket}/portal?endpoint={endpoint}&path_style=1",
            "PORTAL_MACHINES": "2",
            # One key for every machine: a session signed on A is read on B.
            "SECRET_KEY": "cluster-secret-" + "k" * 40,
            "IIN_HMAC_KEY": "cluster-iin-key-" + "h" * 40,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port_a}",
            "PYTHONUNBUFFERED": "1",
        })
        machines = []
        for name, port in (("A", port_a), ("B", port_b)):
            instance = root / f"machine-{name}"
            instance.mkdir()
            (instance / "config.py").write_text(INSTANCE_CONFIG)
            machines.append(Machine(name, port, instance))
        built = Cluster(env, root, machines[0], machines[1])
        (root / "consumer").mkdir()
        (root / "consumer" / "config.py").write_text(INSTANCE_CONFIG)
        for args in (("db", "upgrade"), ("seed", "--scale", "demo")):
            result = built.flask(*args)
            if result.returncode:
                raise ClusterError(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        _add_residents(built)
        try:
            built.start_machine(built.a)
            built.start_machine(built.b)
            built.start_consumer()
            built.wait_worker_healthy()
            yield built
        finally:
            built.stop()
            _keep_logs(root)
            import redis as redis_client

            redis_client.Redis.from_url(redis).flushdb()


ARTIFACTS = ROOT / "test-artifacts" / "cluster"


def _keep_logs(root: Path) -> None:
    """Every process's log, kept after the run (the temporary folder is not)."""
    import shutil

    target = ARTIFACTS / root.name
    for log in root.rglob("*.log"):
        destination = target / log.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, destination)


def _add_residents(built: Cluster) -> None:
    script = ("import sys; from portal import create_app; from tests.e2e.residents import "
              "add_residents; app = create_app(); app.app_context().push(); "
              "add_residents(sys.argv[1:])")
    env = {**built.env, "PORTAL_INSTANCE_PATH": str(built.root / "consumer")}
    result = subprocess.run([str(VENV_BIN / "python"), "-c", script, *RESIDENTS],  # noqa: S603
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    if result.returncode:
        raise ClusterError(f"adding residents failed:\n{result.stderr[-3000:]}")


