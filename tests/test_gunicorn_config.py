"""gunicorn's settings file at the repository's root (gunicorn.conf.py): gunicorn started where
`scripts/serve.sh`, the deployment and the bench start it finds the file, and the hook it runs
in each worker hides the loaded app from the garbage collector's full collections."""

from __future__ import annotations

import gc
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_started_at_the_root_reads_the_file() -> None:
    printed = subprocess.run(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "--print-config", "portal:create_app()"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    settings = {name.strip(): value.strip() for name, value in (
        line.split("=", 1) for line in printed.splitlines() if "=" in line)}
    assert settings["config"] == "./gunicorn.conf.py"
    # gunicorn's own default hook is PostWorkerInit.post_worker_init; ours is a plain function.
    assert settings["post_worker_init"] == "<post_worker_init()>"


def test_a_worker_freezes_what_it_loaded() -> None:
    hook = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]
    kept: list[object] = [object()]  # a tracked object the worker holds
    try:
        hook(None)
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(kept)
        assert not any(found is kept for found in gc.get_objects(generation=2))
    finally:
        gc.unfreeze()
