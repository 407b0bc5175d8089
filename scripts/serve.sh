#!/usr/bin/env bash
# Serves the portal with gunicorn on 127.0.0.1:$PORT (default 5000).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-5000}
echo "Serving the portal at http://127.0.0.1:${port}  (Ctrl+C to stop)"
exec .venv/bin/gunicorn --bind "127.0.0.1:${port}" --workers "${WEB_CONCURRENCY:-2}" \
  --access-logfile - --forwarded-allow-ips 127.0.0.1 "portal:create_app()"
