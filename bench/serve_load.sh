#!/usr/bin/env bash
# Load test of `orderstore serve`: wrk on loopback, GET /v1/order/detail/<hash>
# for random keys of a generated store (1,000,000 orders by default), with
# the server's memory (RSS) sampled at the start, every 10 s and at the end.
#
#   bench/serve_load.sh            # 60 s, 1,000,000 orders
#   DURATION=20 COUNT=200000 bench/serve_load.sh
#
# Environment: BUILD_DIR (default build), STORE (default
# /tmp/orderstore-bench-<COUNT>; made once, reused), COUNT, DURATION
# (seconds), CONNECTIONS (default 32), WRK_THREADS (default 1), THREADS
# (server workers; default one per core), PORT (default 18080).
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh wrk

build_dir=${BUILD_DIR:-build}
tool=$build_dir/tools/orderstore
count=${COUNT:-1000000}
store=${STORE:-/tmp/orderstore-bench-$count}
duration=${DURATION:-60}
connections=${CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-1}
port=${PORT:-18080}
seed=1
chunk=100000
[ -x "$tool" ] || { echo "build $tool first (tools/build.sh)" >&2; exit 1; }

# The store: COUNT generated orders, imported in parts so that memory stays
# small. A marker beside the store says it is complete.
if [ ! -f "$store.complete" ]; then
  rm -rf "$store"
  echo "loading $count orders into $store ..." >&2
  for ((start = 0; start < count; start += chunk)); do
    n=$((count - start < chunk ? count - start : chunk))
    "$tool" generate --count "$n" --start "$start" --seed "$seed" |
      "$tool" --db "$store" import - >/dev/null
  done
  touch "$store.complete"
fi

# Every key, one per line, for the Lua script to pick from: each generated
# line starts with {"order":"<32 hex digits>".
keys=$store.keys
[ -f "$keys" ] || "$tool" generate --count "$count" --seed "$seed" | cut -c11-42 >"$keys"

script=$(mktemp /tmp/serve_load.XXXXXX.lua)
log=$(mktemp /tmp/serve_load.XXXXXX.log)
cat >"$script" <<'LUA'
local keys = {}
for line in io.lines(os.getenv("ORDERSTORE_KEYS")) do keys[#keys + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("id", counter) end
function init(args) math.randomseed(os.time() * 1000 + id) end
function request()
  return wrk.format("GET", "/v1/order/detail/" .. keys[math.random(#keys)])
end
function done(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d non-2xx, %d connect, %d read, %d write, %d timeout\n",
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
LUA

server_args=(--db "$store" serve --listen "127.0.0.1:$port")
[ -n "${THREADS:-}" ] && server_args+=(--threads "$THREADS")
"$tool" "${server_args[@]}" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$script" "$log"' EXIT
for _ in $(seq 600); do grep -q listening "$log" && break; sleep 0.1; done
grep -q listening "$log" || { cat "$log" >&2; exit 1; }

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
echo "machine: $(nproc) cores; load before the run:$(uptime | sed 's/.*load average//')"
echo "server: $tool ${server_args[*]} (pid $server)"
echo "store: $count orders, $(du -sh "$store" | cut -f1) on disk"
echo "RSS at start: $(rss)"
(
  for ((t = 10; t < duration; t += 10)); do
    sleep 10
    echo "RSS at ${t}s: $(rss)"
  done
) &
sampler=$!
ORDERSTORE_KEYS=$keys wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" \
  --latency -s "$script" "http://127.0.0.1:$port/"
kill "$sampler" 2>/dev/null || true
echo "RSS at end: $(rss)"
echo "load after the run:$(uptime | sed 's/.*load average//')"
kill -TERM "$server"
wait "$server" && echo "server stopped cleanly (exit 0)"
