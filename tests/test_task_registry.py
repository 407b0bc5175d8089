"""Jobs are known from the start, and views never send mail themselves.

Tasks used to register only because some view imported their module: a worker that happened
not to import that view would drop the job. Mail is sent by the job worker, never inside a
request, so no view module imports the mail code.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from portal import jobs

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "portal"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _is_view_module(path: Path) -> bool:
    return (path.name == "views.py" or path.name.endswith("_views.py")
            or "views" in path.relative_to(PORTAL).parts[:-1])


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_task_module_is_listed() -> None:
    on_disk = {_module_name(path) for path in PORTAL.rglob("tasks.py")}
    assert on_disk == set(jobs.TASK_MODULES)


def test_building_the_app_registers_every_task_without_any_view(tmp_path: Path) -> None:
    """In a fresh interpreter, with blueprint registration switched off: the tasks of every
    task module are known once `create_app` returns, and no view module was imported."""
    script = f"""
import json, sys
import portal
portal._register_blueprints = lambda app: None
app = portal.create_app({{"PORTAL_ENV": "testing", "SECRET_KEY": "k" * 40,
                          "IIN_HMAC_KEY": "i" * 40,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / 'x.db'}"}})
from portal.jobs import huey
print(json.dumps({{
    "tasks": sorted(huey._registry._registry),
    "views": sorted(name for name in sys.modules
                    if name.startswith("portal.") and "views" in name),
}}))
"""
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, check=True, timeout=120)
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["views"] == []
    for module in jobs.TASK_MODULES:
        assert any(name.startswith(module + ".") for name in state["tasks"]), module


def test_no_view_module_imports_the_mail_code() -> None:
    offenders = {}
    for path in PORTAL.rglob("*.py"):
        if not _is_view_module(path):
            continue
        mail_imports = {name for name in _imported_modules(path)
                        if name == "portal.mail" or name.startswith("portal.mail.")}
        if mail_imports:
            offenders[_module_name(path)] = sorted(mail_imports)
    assert offenders == {}
