"""The real mail path for tests: an SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it
receives, and the job consumer as production runs it (`huey_consumer portal.worker.huey` in a
process of its own, configured only by its environment and instance folder).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.e2e.server import ROOT, VENV_BIN, free_port

WAIT_SECONDS = 60.0  # the consumer starts a whole app; the machine may be busy


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def body(self) -> str:
        return str(self.message.get_content())


@dataclass
class SmtpServer:
    """What the SMTP server received, in order; addresses in `refuse` get a 550."""

    port: int
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    condition: threading.Condition = field(default_factory=threading.Condition)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        with self.condition:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            self.condition.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.condition:
            return [item for item in self.received if address in item.rcpt_tos]

    def wait_for(self, address: str, count: int = 1,
                 timeout: float = WAIT_SECONDS) -> list[Received]:
        """The first `count` messages to `address`, waiting for them to arrive."""
        self.wait(lambda: len(self.to(address)) >= count, timeout,
                  f"{count} message(s) to {address}")
        return self.to(address)[:count]

    def wait(self, done: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self.condition:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(item.rcpt_tos, str(item.message["Subject"]))
                            for item in self.received]
                    raise AssertionError(f"no {what} within {timeout:.0f} s; received {seen}")
                self.condition.wait(left)


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def instance_config(settings: dict[str, Any]) -> str:
    return "".join(f"{name} = {value!r}\n" for name, value in settings.items())


def worker_environment(instance: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_", "PYTEST_")) and key != "REDIS_URL"}
    env.update({"PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(instance),
                "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"})
    return env


@contextmanager
def job_consumer(instance: Path, database_url: str, settings: dict[str, Any]) -> Iterator[Path]:
    """`huey_consumer portal.worker.huey` with `settings` in its instance/config.py; yields
    the path of its log. Stopped (and its log shown on failure) at the end."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(instance_config(settings))
    log = instance / "worker.log"
    with log.open("a") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(VENV_BIN / "huey_consumer"), "portal.worker.huey", "--workers", "2",
             "--worker-type", "thread", "--max-delay", "0.5"],
            cwd=ROOT, env=worker_environment(instance, database_url), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
