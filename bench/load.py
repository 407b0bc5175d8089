"""HTTP load with wrk: a fixed duration, a fixed number of connections, rotating through a set
of paths (a Lua script), and the latency percentiles wrk keeps (printed by the script's done())."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DURATION_S = 10
WARM_UP_S = 2
CONNECTIONS = 16
THREADS = 2

SCRIPT = """
local paths = {%(paths)s}
local uncached = %(uncached)s
-- wrk gives every thread the same Lua random sequence, run after run: a random query made the
-- threads ask for the same addresses, and the measured run for those of its warm-up, which
-- the page cache then answered. A nonce of this run, the thread and a count are unique.
local nonce = "%(nonce)s"
local threads = 0
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

init = function(args)
  -- Threads start at different places in the rotation.
  counter = (thread_id - 1) * math.max(1, math.floor(#paths / %(threads)d))
end

request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  if uncached then
    -- A query of its own per request: the page cache keys on the full path.
    local joiner = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. joiner .. "bench=" .. nonce .. "-" .. thread_id .. "-" .. counter
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # answers outside 2xx/3xx, and socket errors (connect, read, write, timeout)

    def share_of(self, ceiling: LoadResult) -> float:
        return self.rps / ceiling.rps if ceiling.rps else 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: run `scripts/system-deps.sh bench` as root "
                         "(Debian package wrk).")
    return path


def _lua_string(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run(base_url: str, paths: list[str], duration_s: int = DURATION_S,
        uncached: bool = False) -> LoadResult:
    """wrk against base_url for duration_s, every request the next of `paths` (with a
    query parameter of its own when `uncached`)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT % {"paths": ", ".join(_lua_string(path) for path in paths),
                               "uncached": "true" if uncached else "false",
                               "nonce": secrets.token_hex(4), "threads": THREADS})
    try:
        output = subprocess.run(
            [wrk_path(), "--threads", str(THREADS), "--connections", str(CONNECTIONS),
             "--duration", f"{duration_s}s", "--timeout", "5s", "--script", script.name,
             base_url], check=True, capture_output=True, text=True).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    numbers = json.loads(line.removeprefix("BENCH "))
    seconds = numbers["duration_us"] / 1e6
    return LoadResult(
        requests=numbers["requests"], rps=numbers["requests"] / seconds,
        p50_ms=numbers["p50_us"] / 1000, p95_ms=numbers["p95_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        errors=sum(numbers[key] for key in ("connect", "read", "write", "status", "timeout")))


def measure(base_url: str, paths: list[str], uncached: bool = False) -> LoadResult:
    """A short warm-up (caches filled, connections made), then the measured run."""
    run(base_url, paths, WARM_UP_S, uncached)
    return run(base_url, paths, DURATION_S, uncached)
