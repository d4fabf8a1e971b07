#!/usr/bin/env bash
# Set up everything socialops needs on a fresh Debian machine: Java for Spark, Chromium and Korean
# fonts for the browser tests (Debian packages), a virtual environment with the project and its
# dependencies. Idempotent: a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -d /usr/share/fonts/truetype/nanum ] || need_apt+=(fonts-nanum)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# the local Bluesky network of the connector tests (scripts/local-pds.sh) builds better-sqlite3
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v make >/dev/null 2>&1 || need_apt+=(make)
# the reverse-proxy test of deploy/ (nginx in front of a team server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
# the deploy/ units' check (systemd-analyze verify) and the Spark cluster script's polling
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install ${need_apt[*]} (sudo apt-get install ${need_apt[*]});" \
      "Spark needs Java 17+, the browser tests Chromium and Korean fonts" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.socialops-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # Playwright drives Debian's Chromium (/usr/bin/chromium): it never downloads a browser
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 .venv/bin/python -m pip install -q -e '.[spark,dev]'
  touch "$stamp"
fi
# axe-core (package.json, pinned by package-lock.json) for the browser accessibility check in
# tests/web/test_responsive.py: injected from node_modules, never from a CDN; development only
if command -v npm >/dev/null 2>&1; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
  fi
fi
# Byte-compile the project's own modules (its dependencies were compiled when installed): with
# PYTHONDONTWRITEBYTECODE set, as on this machine kind, Python would otherwise compile every
# module again in every process it starts (0.1-0.2 s of each command's and server's start-up,
# hundreds of times in the tests). A stale file is simply ignored.
.venv/bin/python -m compileall -q src >/dev/null
echo "setup: ready (.venv/bin/socialops)" >&2
