#!/usr/bin/env bash
# Serves the portal with gunicorn on $HOST:$PORT (default 127.0.0.1:5000), with one job worker
# (Huey; SQLite queue in instance/ unless REDIS_URL is set) running beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${HOST:-127.0.0.1}
port=${PORT:-5000}
# Links in PDFs, mail and the API's `url` fields are built on PUBLIC_BASE_URL. Unset outside
# production, it is the address served here, so `PORT=5077 make run` links to port 5077 (a
# wildcard bind is reached on the loopback address). Production is never guessed: the app
# refuses to start without the public address (portal/config.py, production_problems).
if [[ -z "${PUBLIC_BASE_URL:-}" && "${PORTAL_ENV:-development}" != production ]]; then
  case $host in
    0.0.0.0 | "::" | "[::]") link_host=127.0.0.1 ;;
    *:*) link_host="[${host#[}"; link_host="${link_host%]}]" ;;
    *) link_host=$host ;;
  esac
  export PUBLIC_BASE_URL="http://${link_host}:${port}"
fi
bind=$host
[[ $bind == *:* && $bind != \[* ]] && bind="[$bind]"
# --max-delay 2: an idle worker looks at the SQLite queue every 2 s at most (Redis wakes it at
# once), so a dossier whose data changed is rebuilt within seconds.
.venv/bin/huey_consumer portal.worker.huey --workers 1 --worker-type thread --max-delay 2 --quiet &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving the portal at http://${bind}:${port}  (Ctrl+C to stop; links: ${PUBLIC_BASE_URL:-unset})"
.venv/bin/gunicorn --bind "${bind}:${port}" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --forwarded-allow-ips 127.0.0.1 "portal:create_app()"
