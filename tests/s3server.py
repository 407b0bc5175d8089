"""An S3-compatible server for tests: moto's standalone server (from PyPI, installed by
`make test`) as a subprocess on a free port of 127.0.0.1. No cloud account, no network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Credentials moto accepts (any); boto3 reads them from the environment of each process.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def s3_server(log: Path) -> Iterator[str]:
    """Start the server; yields its endpoint URL; stops it afterwards."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    binary = Path(sys.executable).with_name("moto_server")
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own venv's script, fixed arguments
            [str(binary), "-H", "127.0.0.1", "-p", str(port)], stdout=output,
            stderr=subprocess.STDOUT, env={**os.environ, **CREDENTIALS})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the S3 server did not start; see {log}") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def create_bucket(endpoint: str, bucket: str) -> None:
    import boto3

    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    client.create_bucket(Bucket=bucket)
