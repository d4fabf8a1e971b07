#!/usr/bin/env bash
# A Spark standalone cluster on this machine: one master and two workers, from the PySpark
# distribution installed in .venv (the pip package has no sbin/start-master.sh, so the daemons
# are started through its bin/spark-class with the master and worker classes).
#
#   scripts/spark-cluster.sh [--dir DIR] start    start the master and the workers in the
#                                                 background, wait until every worker has
#                                                 registered, print MASTER=spark://127.0.0.1:PORT
#                                                 on stdout (already running: the same)
#   scripts/spark-cluster.sh [--dir DIR] stop     end what start started (nothing to do if
#                                                 nothing runs)
#   scripts/spark-cluster.sh [--dir DIR] status   print the master URL and its alive workers;
#                                                 exit status 0 when all are up, 3 otherwise
#
# Loopback only: every daemon binds 127.0.0.1 (SPARK_LOCAL_IP), the master's web UI too (its JSON
# at http://127.0.0.1:SPARK_MASTER_WEBUI_PORT/json/ is how start sees the workers register);
# the workers' web UIs are off (port 0 would pick one; -1 is refused, so they get a random
# loopback port). Settings (environment):
#   SPARK_MASTER_PORT        master RPC port (default 7077)
#   SPARK_MASTER_WEBUI_PORT  master web UI port, loopback (default 8080)
#   SPARK_WORKERS            how many workers (default 2)
#   SPARK_WORKER_CORES       cores per worker (default 1)
#   SPARK_WORKER_MEMORY      memory per worker for its executors (default 2g; an application's
#                            spark.executor.memory, 1g unless set, must fit in it)
#   SPARK_DAEMON_MEMORY      heap of the master and worker daemons themselves (default 256m)
#   SPARK_CLUSTER_TIMEOUT    seconds start waits for the workers (default 90)
#   SPARK_CLUSTER_WATCH_PID  a process the cluster ends with (the test fixture passes its own)
# The run folder (--dir, default ${TMPDIR:-/tmp}/socialops-spark-cluster-$SPARK_MASTER_PORT)
# holds master.pid, worker-N.pid, master.log, worker-N.log and each worker's work-N/ folder
# (executor logs); stop removes the pid files and keeps the logs.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${SOCIALOPS_PYTHON:-$REPO/.venv/bin/python}

say() { echo "spark-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

DIR=""
CMD=""
while [ $# -gt 0 ]; do
  case $1 in
    --dir) [ $# -ge 2 ] || die "--dir needs a folder"; DIR=$2; shift 2 ;;
    --dir=*) DIR=${1#--dir=}; shift ;;
    start | stop | status) [ -z "$CMD" ] || die "give one of start, stop, status"; CMD=$1; shift ;;
    -h | --help) sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1': use start, stop or status (and --dir DIR)" ;;
  esac
done
[ -n "$CMD" ] || die "usage: scripts/spark-cluster.sh [--dir DIR] start|stop|status"

port_ok() { case $2 in '' | *[!0-9]*) die "$1 must be a port number, not '$2'" ;; esac; [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || die "$1 must be between 1 and 65535, not $2"; }
count_ok() { case $2 in '' | *[!0-9]* | 0) die "$1 must be a positive whole number, not '$2'" ;; esac; }

MASTER_PORT=${SPARK_MASTER_PORT:-7077}
UI_PORT=${SPARK_MASTER_WEBUI_PORT:-8080}
WORKERS=${SPARK_WORKERS:-2}
CORES=${SPARK_WORKER_CORES:-1}
MEMORY=${SPARK_WORKER_MEMORY:-2g}
TIMEOUT=${SPARK_CLUSTER_TIMEOUT:-90}
port_ok SPARK_MASTER_PORT "$MASTER_PORT"
port_ok SPARK_MASTER_WEBUI_PORT "$UI_PORT"
count_ok SPARK_WORKERS "$WORKERS"
count_ok SPARK_WORKER_CORES "$CORES"
count_ok SPARK_CLUSTER_TIMEOUT "$TIMEOUT"
case $MEMORY in *[0-9][mMgG]) ;; *) die "SPARK_WORKER_MEMORY must look like 512m or 2g, not '$MEMORY'" ;; esac

DIR=${DIR:-${TMPDIR:-/tmp}/socialops-spark-cluster-$MASTER_PORT}
MASTER=spark://127.0.0.1:$MASTER_PORT
UI=http://127.0.0.1:$UI_PORT

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# how many workers the master lists as ALIVE (nothing on stdout when its UI does not answer);
# curl when there is one (polled every 0.2 s: a Python start each time costs a loaded machine)
alive_workers() {
  if command -v curl >/dev/null 2>&1; then
    local json
    json=$(curl -fsS --max-time 2 "$UI/json/" 2>/dev/null) || return 0
    echo "$json" | grep -o '"state" *: *"ALIVE"' | wc -l
    return 0
  fi
  "$PY" - "$UI/json/" <<'EOF' 2>/dev/null || true
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        data = json.load(r)
except Exception:
    sys.exit(0)
print(sum(1 for w in data.get("workers", []) if w.get("state") == "ALIVE"))
EOF
}

stop_all() {
  local f pid n
  for f in "$DIR"/worker-*.pid "$DIR"/master.pid "$DIR"/watch.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
  done
  for f in "$DIR"/worker-*.pid "$DIR"/master.pid "$DIR"/watch.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$f"
  done
}

case $CMD in
  stop)
    if ! ls "$DIR"/*.pid >/dev/null 2>&1; then say "not running ($DIR)"; exit 0; fi
    stop_all
    say "stopped ($MASTER)"
    exit 0
    ;;
  status)
    up=$(alive_workers)
    if alive "$DIR/master.pid" && [ -n "$up" ]; then
      echo "MASTER=$MASTER"
      echo "WORKERS=$up"
      [ "$up" -ge "$WORKERS" ] && exit 0
      say "$up of $WORKERS workers alive (logs in $DIR)"
      exit 3
    fi
    say "not running ($DIR)"
    exit 3
    ;;
esac

# -- start ---------------------------------------------------------------------------------------
SPARK_HOME=$("$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null) ||
  die "PySpark is not installed in $PY's environment (make setup installs it)"
command -v java >/dev/null 2>&1 || [ -n "${JAVA_HOME:-}" ] || die "java is needed (Java 17 or later: apt-get install openjdk-17-jre-headless)"
export SPARK_HOME
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_DAEMON_MEMORY=${SPARK_DAEMON_MEMORY:-256m}
export SPARK_NO_DAEMONIZE=1
export SPARK_LOG_DIR=$DIR
# executors start the Python workers of mapInArrow and UDFs with the driver's PYSPARK_PYTHON;
# the workers' own environment gets the venv's too, for anything started without one
export PYSPARK_PYTHON=${PYSPARK_PYTHON:-$PY}
export TMPDIR=${TMPDIR:-/tmp}
mkdir -p "$DIR"

if alive "$DIR/master.pid"; then
  up=$(alive_workers)
  if [ -n "$up" ] && [ "$up" -ge "$WORKERS" ]; then
    say "already running ($DIR)"
    echo "MASTER=$MASTER"
    exit 0
  fi
fi
stop_all # leftovers of a start that did not finish

t0=$(date +%s)
say "starting a master on $MASTER (web UI $UI) and $WORKERS workers ($CORES core, $MEMORY each); logs in $DIR"
# the JVM tunes its heap and GC threads to the machine; spark-class execs java, so $! is the JVM
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$UI_PORT" \
  >"$DIR/master.log" 2>&1 </dev/null &
echo $! >"$DIR/master.pid"

# wait for the master's UI before the workers (a worker that finds no master retries slowly)
n=0
until [ -n "$(alive_workers)" ]; do
  alive "$DIR/master.pid" || { tail -n 5 "$DIR/master.log" >&2 || true; stop_all; die "the master did not start (port $MASTER_PORT or $UI_PORT taken?); log: $DIR/master.log"; }
  [ $n -lt $((TIMEOUT * 5)) ] || { stop_all; die "the master did not answer on $UI within $TIMEOUT s; log: $DIR/master.log"; }
  sleep 0.2; n=$((n + 1))
done

for i in $(seq 1 "$WORKERS"); do
  mkdir -p "$DIR/work-$i"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" --webui-port 0 \
    --work-dir "$DIR/work-$i" "$MASTER" \
    >"$DIR/worker-$i.log" 2>&1 </dev/null &
  echo $! >"$DIR/worker-$i.pid"
done

n=0
while :; do
  up=$(alive_workers)
  [ -n "$up" ] && [ "$up" -ge "$WORKERS" ] && break
  for i in $(seq 1 "$WORKERS"); do
    alive "$DIR/worker-$i.pid" || { tail -n 5 "$DIR/worker-$i.log" >&2 || true; stop_all; die "worker $i ended before it registered; log: $DIR/worker-$i.log"; }
  done
  [ $n -lt $((TIMEOUT * 5)) ] || { stop_all; die "only ${up:-0} of $WORKERS workers registered with $MASTER within $TIMEOUT s; logs in $DIR"; }
  sleep 0.2; n=$((n + 1))
done

if [ -n "${SPARK_CLUSTER_WATCH_PID:-}" ]; then
  watched=$SPARK_CLUSTER_WATCH_PID
  (
    trap '' HUP
    while kill -0 "$watched" 2>/dev/null; do sleep 2; done
    rm -f "$DIR/watch.pid"
    "${BASH_SOURCE[0]}" --dir "$DIR" stop >/dev/null 2>&1 || true
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$DIR/watch.pid"
fi

say "ready in $(($(date +%s) - t0)) s: $WORKERS workers registered"
echo "MASTER=$MASTER"
