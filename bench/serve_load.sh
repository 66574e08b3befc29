#!/usr/bin/env bash
# Load test of `orderstore serve`: wrk on loopback, GET /v1/order/detail/<hash>
# for random keys of a generated store (1,000,000 orders by default), with
# the server's memory (RSS) sampled at the start, every 10 s and at the end,
# and the CPU time the server and wrk each spent per request. One server
# after the other, in the same run: plain HTTP, plain HTTP with a bearer
# token on every request (--token-file), and HTTPS with a token
# (--tls-cert/--tls-key, a self-signed P-256 certificate made for the run;
# wrk keeps its connections, so a handshake is paid once per connection).
#
#   bench/serve_load.sh            # 60 s each, 1,000,000 orders
#   DURATION=20 COUNT=200000 MODES="plain tls" bench/serve_load.sh
#
# Environment: BUILD_DIR (default build), STORE (default
# /tmp/orderstore-bench-<COUNT>; made once, reused), COUNT, DURATION
# (seconds), CONNECTIONS (default 32), WRK_THREADS (default 1), THREADS
# (server workers; default: serve's, one per core), PORT (default 18080),
# ROW_CACHE_MIB (serve --row-cache-mib; default: enough for every order of
# the store, as the in-process benchmarks size it; 0 = serve's default),
# WARM_UP (default 1: ask for every order once before timing, so that the
# timed run reads a full cache and its memory should stay flat; 0 = start
# cold, and watch the cache fill), MODES (default "plain token tls").
#
# wrk runs on the same cores as the server: its CPU time is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh wrk openssl

build_dir=${BUILD_DIR:-build}
tool=$build_dir/tools/orderstore
count=${COUNT:-1000000}
store=${STORE:-/tmp/orderstore-bench-$count}
duration=${DURATION:-60}
connections=${CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-1}
port=${PORT:-18080}
# ~520 bytes a cached order (options.h), with room to spare.
row_cache_mib=${ROW_CACHE_MIB:-$(( (count * 1024 >> 20) + 64 ))}
warm_up=${WARM_UP:-1}
modes=${MODES:-plain token tls}
seed=1
chunk=100000
[ -x "$tool" ] || { echo "build $tool first (scripts/build.sh)" >&2; exit 1; }

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

# Every key, one per line, for the Lua scripts to pick from: each generated
# line starts with {"order":"<32 hex digits>", so key i is at byte 33 * i.
keys=$store.keys
[ -f "$keys" ] || "$tool" generate --count "$count" --seed "$seed" | cut -c11-42 >"$keys"

script=$(mktemp /tmp/serve_load.XXXXXX.lua)
warm_script=$(mktemp /tmp/serve_load_warm.XXXXXX.lua)
log=$(mktemp /tmp/serve_load.XXXXXX.log)
# Shared by both scripts: the keys as one string (a Lua table of a million
# strings takes seconds to build in each wrk thread, on the cores being
# measured), and a request built by concatenation (cheaper than wrk.format).
keys_lua='
local f = assert(io.open(os.getenv("ORDERSTORE_KEYS"), "rb"))
local keys = f:read("*a")
f:close()
local count = math.floor(#keys / 33)
local token = os.getenv("ORDERSTORE_TOKEN")
local auth = token and ("Authorization: Bearer " .. token .. "\r\n") or ""
local function detail(i)
  local at = i * 33
  return "GET /v1/order/detail/" .. keys:sub(at + 1, at + 32) ..
         " HTTP/1.1\r\nHost: 127.0.0.1\r\n" .. auth .. "\r\n"
end
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
'
cat >"$script" <<LUA
$keys_lua
function init(args) math.randomseed(os.time() * 1000 + id) end
function request() return detail(math.random(0, count - 1)) end
function done(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d non-2xx, %d connect, %d read, %d write, %d timeout\n",
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
LUA
# Warm-up: thread t of n asks for orders t, t + n, t + 2n, ... once each,
# then ends wrk (whose main thread would otherwise sleep out its -d).
cat >"$warm_script" <<LUA
$keys_lua
local stride = tonumber(os.getenv("WRK_THREADS"))
function init(args) next_key = id end
function request()
  local i = next_key % count
  next_key = next_key + stride
  return detail(i)
end
function response(status, headers, body)
  if next_key >= count then os.exit(0) end
end
LUA

# The secrets of the token and TLS modes, private as serve wants them.
secrets=$(mktemp -d /tmp/serve_load_secrets.XXXXXX)
token=$(openssl rand -hex 32)
(umask 077 && echo "$token" >"$secrets/tokens")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$secrets/key.pem" -out "$secrets/cert.pem" 2>/dev/null
chmod 600 "$secrets/key.pem"
server=
trap 'kill "$server" 2>/dev/null || true; rm -rf "$script" "$warm_script" "$log" "$secrets"' EXIT

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
# CPU seconds (user + system) the process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "machine: $(nproc) cores"
echo "store: $count orders, $(du -sh "$store" | cut -f1) on disk"
summary=()

for mode in $modes; do
  server_args=(--db "$store" serve --listen "127.0.0.1:$port")
  [ -n "${THREADS:-}" ] && server_args+=(--threads "$THREADS")
  [ "$row_cache_mib" != 0 ] && server_args+=(--row-cache-mib "$row_cache_mib")
  url=http://127.0.0.1:$port/
  client_env=(ORDERSTORE_KEYS="$keys")
  case $mode in
    plain) ;;
    token)
      server_args+=(--token-file "$secrets/tokens")
      client_env+=(ORDERSTORE_TOKEN="$token") ;;
    tls)
      server_args+=(--token-file "$secrets/tokens" --tls-cert "$secrets/cert.pem"
                    --tls-key "$secrets/key.pem")
      client_env+=(ORDERSTORE_TOKEN="$token")
      url=https://127.0.0.1:$port/ ;;
    *) echo "unknown mode $mode (plain, token, tls)" >&2; exit 1 ;;
  esac
  echo
  echo "== $mode: $tool ${server_args[*]}"
  "$tool" "${server_args[@]}" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 600); do grep -q listening "$log" && break; sleep 0.1; done
  grep -q listening "$log" || { cat "$log" >&2; exit 1; }

  echo "server pid $server; RSS at start: $(rss)"
  if [ "$warm_up" = 1 ]; then
    started=$(date +%s)
    env "${client_env[@]}" WRK_THREADS="$wrk_threads" wrk -t"$wrk_threads" \
      -c"$connections" -d3600s -s "$warm_script" "$url" >/dev/null
    echo "warm-up: every order once in $(($(date +%s) - started)) s; RSS after it: $(rss)"
  fi
  echo "load before the run (uptime): $(uptime | sed "s/.*load average: //")"
  (
    for ((t = 10; t < duration; t += 10)); do
      sleep 10
      echo "RSS at ${t}s: $(rss)"
    done
  ) &
  sampler=$!
  server_cpu=$(cpu_ticks "$server")
  wrk_out=$(mktemp /tmp/serve_load_wrk.XXXXXX)
  env "${client_env[@]}" /usr/bin/time -f "%U %S" -o "$wrk_out.time" \
    wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" \
    --latency -s "$script" "$url" | tee "$wrk_out"
  server_cpu=$(( $(cpu_ticks "$server") - server_cpu ))
  kill "$sampler" 2>/dev/null || true
  echo "RSS at end: $(rss)"
  echo "load after the run (uptime): $(uptime | sed "s/.*load average: //")"
  requests=$(awk '/requests in/ {print $1}' "$wrk_out")
  rate=$(awk '/Requests\/sec/ {print $2}' "$wrk_out")
  cpu=$(awk -v ticks="$server_cpu" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { printf "%.1f", ticks / hz * 1e6 / n }')
  wrk_cpu=$(awk -v n="$requests" '{ printf "%.1f", ($1 + $2) * 1e6 / n }' "$wrk_out.time")
  echo "CPU per request: server $cpu us, wrk $wrk_cpu us"
  summary+=("$(printf '%-6s %10s requests/s   server %6s us/request   wrk %6s us/request' \
    "$mode" "$rate" "$cpu" "$wrk_cpu")")
  rm -f "$wrk_out" "$wrk_out.time"
  kill -TERM "$server"
  wait "$server" && echo "server stopped cleanly (exit 0)"
done

echo
echo "summary ($connections connections, ${duration} s each, this run):"
printf '%s\n' "${summary[@]}"
