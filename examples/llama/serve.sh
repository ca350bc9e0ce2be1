#!/usr/bin/env bash
# Start (or stop) the cached llama.cpp `llama-server` on loopback.
#
#   examples/llama/serve.sh          # start in the background, wait for /health, print BASE_URL and PID
#   examples/llama/serve.sh stop     # stop the server started for this PORT
#   examples/llama/serve.sh status   # print BASE_URL/PID if running, exit 1 otherwise
#
# Environment:
#   PORT            port on 127.0.0.1 (default 8091)
#   THREADS         generation threads (default 1)
#   MODEL_ALIAS     model name the API reports and accepts (default smollm2)
#   LLAMA_ARGS      extra llama-server arguments (word-split)
#   START_TIMEOUT   seconds to wait for /health (default 120)
#   SENTINEL_CACHE  cache root (default $HOME/.cache/sentinel), see build.sh
#
# The server only ever listens on 127.0.0.1. Its log is $CACHE/run/server-$PORT.log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SENTINEL_CACHE:-$HOME/.cache/sentinel}/llama"
PORT="${PORT:-8091}"
HOST=127.0.0.1
THREADS="${THREADS:-1}"
MODEL_ALIAS="${MODEL_ALIAS:-smollm2}"
START_TIMEOUT="${START_TIMEOUT:-120}"
RUN="$CACHE/run"
PIDFILE="$RUN/server-$PORT.pid"
LOGFILE="$RUN/server-$PORT.log"
BASE_URL="http://$HOST:$PORT"

log() { printf '[llama/serve] %s\n' "$*" >&2; }

running_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    [[ -n "$pid" ]] && alive "$pid" || return 1
    # make sure the PID is still our llama-server, not a recycled id
    grep -q llama-server "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

# kill -0 also succeeds for a zombie; treat state Z as gone
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

healthy() {
    curl -fsS --max-time 2 "$BASE_URL/health" >/dev/null 2>&1
}

stop_server() {
    local pid
    if ! pid="$(running_pid)"; then
        log "no server running for port $PORT"
        rm -f "$PIDFILE"
        return 0
    fi
    log "stopping llama-server pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.2
    done
    if alive "$pid"; then
        log "pid $pid ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

case "${1:-start}" in
    stop)
        stop_server
        exit 0
        ;;
    status)
        if pid="$(running_pid)" && healthy; then
            echo "BASE_URL=$BASE_URL"
            echo "PID=$pid"
            exit 0
        fi
        exit 1
        ;;
    start) ;;
    *)
        echo "usage: $0 [start|stop|status]" >&2
        exit 2
        ;;
esac

# ---- start ----------------------------------------------------------------

if pid="$(running_pid)" && healthy; then
    log "already running"
    echo "BASE_URL=$BASE_URL"
    echo "PID=$pid"
    exit 0
fi

if ! paths="$("$HERE/build.sh" --print)"; then
    log "llama-server or the model is not in $CACHE; run examples/llama/build.sh first"
    exit 3
fi
eval "$paths"   # sets LLAMA_SERVER and LLAMA_MODEL

if healthy; then
    log "something else already answers on $BASE_URL; pick another PORT"
    exit 4
fi

mkdir -p "$RUN"
log "starting $LLAMA_SERVER on $BASE_URL (threads=$THREADS, alias=$MODEL_ALIAS, log $LOGFILE)"
# setsid: own session, so the server outlives this script and a Ctrl-C in the
# caller's terminal does not reach it; stop it with `serve.sh stop`.
# shellcheck disable=SC2086
setsid "$LLAMA_SERVER" \
    -m "$LLAMA_MODEL" \
    -a "$MODEL_ALIAS" \
    --host "$HOST" --port "$PORT" \
    -t "$THREADS" \
    --metrics \
    --no-webui \
    ${LLAMA_ARGS:-} \
    </dev/null >"$LOGFILE" 2>&1 &
pid=$!
echo "$pid" >"$PIDFILE"

deadline=$((SECONDS + START_TIMEOUT))
until healthy; do
    if ! alive "$pid"; then
        log "llama-server exited during start-up; last log lines:"
        tail -20 "$LOGFILE" >&2
        rm -f "$PIDFILE"
        exit 5
    fi
    if ((SECONDS >= deadline)); then
        log "no healthy /health after ${START_TIMEOUT}s; stopping it. Last log lines:"
        tail -20 "$LOGFILE" >&2
        stop_server
        exit 6
    fi
    sleep 0.3
done

echo "BASE_URL=$BASE_URL"
echo "PID=$pid"
