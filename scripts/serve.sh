#!/usr/bin/env bash
# Serves the portal with gunicorn on 127.0.0.1:$PORT (default 5000), with one job worker
# (Huey; SQLite queue in instance/ unless REDIS_URL is set) running beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-5000}
# --max-delay 2: an idle worker looks at the SQLite queue every 2 s at most (Redis wakes it at
# once), so a dossier whose data changed is rebuilt within seconds.
.venv/bin/huey_consumer portal.worker.huey --workers 1 --worker-type thread --max-delay 2 --quiet &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving the portal at http://127.0.0.1:${port}  (Ctrl+C to stop)"
.venv/bin/gunicorn --bind "127.0.0.1:${port}" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --forwarded-allow-ips 127.0.0.1 "portal:create_app()"
