#!/usr/bin/env bash
# Installs the Debian packages a target needs, when they are missing and we are root.
# Usage: scripts/system-deps.sh base|test|bench
#   base  — Python venv, and WeasyPrint's Pango/HarfBuzz with DejaVu fonts (Kazakh letters)
#   test  — base + poppler-utils (PDF checks) and chromium (browser tests, tests/e2e)
#   bench — base + wrk (HTTP load)
set -euo pipefail
target=${1:-base}
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core)
# libharfbuzz-subset0 makes WeasyPrint's font subsetting much faster; optional where absent.
optional=(libharfbuzz-subset0)
case "$target" in
  base) ;;
  test) packages+=(poppler-utils chromium) ;;
  bench) packages+=(wrk) ;;
  *) echo "unknown target: $target" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}" "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "note: missing system packages (${missing[*]}); install them with apt-get as root." >&2
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
apt-get update -qq
for package in "${missing[@]}"; do
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null; then
    if [[ " ${optional[*]} " == *" $package "* ]]; then
      echo "note: optional package $package is not available here; continuing." >&2
    else
      echo "error: could not install $package" >&2; exit 1
    fi
  fi
done
