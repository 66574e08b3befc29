#!/usr/bin/env bash
# Shipping the change feed into ClickHouse (docs/fleet.md, Benchmark):
#   1. orders/s `orderstore import` loads N generated orders (the target);
#   2. orders/s `orderstore ship` sends the same store's N changes into a
#      local clickhouse-server, and the shipper's CPU (user + sys) per order;
#   3. the lag while a writer commits 1,000 orders a second (one import of
#      1,000 orders each second, `ship --follow` beside it): from the end of
#      each commit to its last row being visible in ClickHouse.
# Usage: flock /tmp/bench.lock bench/ship_bench.sh [N] (default 1000000)
# Needs build/tools/orderstore and clickhouse-server; all data under a
# temporary directory, removed at the end; the server on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
tool=$PWD/build/tools/orderstore
work=$(mktemp -d /tmp/ship_bench.XXXXXX)
server_pid=
follow_pid=
cleanup() {
  [[ -n "$follow_pid" ]] && kill "$follow_pid" 2>/dev/null && wait "$follow_pid" 2>/dev/null
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(free_port); tcp=$(free_port)
mkdir -p "$work/ch/data" "$work/ch/tmp"
cat > "$work/ch/config.xml" <<XML
<yandex><logger><level>warning</level><log>$work/ch/server.log</log><errorlog>$work/ch/error.log</errorlog><console>0</console></logger>
<listen_host>127.0.0.1</listen_host><http_port>$http</http_port><tcp_port>$tcp</tcp_port>
<path>$work/ch/data/</path><tmp_path>$work/ch/tmp/</tmp_path><users_config>$work/ch/users.xml</users_config>
<default_profile>default</default_profile><default_database>default</default_database><mark_cache_size>53687091</mark_cache_size>
<remote_servers><fleet><shard><replica><host>127.0.0.1</host><port>$tcp</port></replica></shard></fleet></remote_servers></yandex>
XML
cat > "$work/ch/users.xml" <<XML
<yandex><profiles><default></default></profiles><users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default></default></quotas></yandex>
XML
clickhouse-server --config-file="$work/ch/config.xml" >/dev/null 2>&1 &
server_pid=$!
url=http://127.0.0.1:$http
q() { curl -sf --data-binary "$1" "$url/"; }
for _ in $(seq 100); do q 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
"$tool" ship --print-schema | awk -v RS=';\n' 'NF { print > "'"$work"'/ddl" NR }'
for f in "$work"/ddl*; do q "$(cat "$f")"; done

now() { date +%s.%N; }
cpu_of() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }  # user+sys s (HZ 100)
echo "load before: $(uptime)"
"$tool" generate --count "$n" --seed 7 > "$work/orders.jsonl"

t0=$(now)
"$tool" --db "$work/db" import "$work/orders.jsonl" >/dev/null
t1=$(now)
import_rate=$(echo "$n / ($t1 - $t0)" | bc)

/usr/bin/time -f '%U %S' -o "$work/ship.cpu" \
  "$tool" --db "$work/db" ship --to "$url" --batch 100000 2>/dev/null
t2=$(now)
ship_rate=$(echo "$n / ($t2 - $t1)" | bc)
ship_cpu_us=$(awk -v n="$n" '{ printf "%.2f", ($1 + $2) * 1e6 / n }' "$work/ship.cpu")
rows=$(q 'SELECT count() FROM orders')
echo "import: $n orders in $(echo "$t1 - $t0" | bc) s = $import_rate orders/s"
echo "ship:   $rows rows in $(echo "$t2 - $t1" | bc) s = $ship_rate orders/s;" \
     "shipper CPU $ship_cpu_us us/order; ship/import = $(echo "scale=2; $ship_rate / $import_rate" | bc)"

# Lag: 1,000 orders a second for 20 s, the shipper following.
"$tool" --db "$work/db" ship --to "$url" --follow --batch 10000 2>"$work/follow.err" &
follow_pid=$!
lags=()
for i in $(seq 20); do
  "$tool" generate --count 1000 --seed 8 --start $((i * 1000)) > "$work/burst.jsonl"
  start=$(now)
  "$tool" --db "$work/db" import "$work/burst.jsonl" >/dev/null
  committed=$(now)
  want=$((n + i * 1000))
  while [[ $(q 'SELECT count() FROM orders') -lt $want ]]; do sleep 0.02; done
  lags+=("$(echo "$(now) - $committed" | bc)")
  rest=$(echo "1 - ($(now) - $start)" | bc)
  [[ $rest == -* ]] || sleep "$rest"
done
printf '%s\n' "${lags[@]}" | sort -n > "$work/lags"
echo "lag over 20 commits of 1,000 orders, 1 s apart: median $(sed -n 10p "$work/lags") s, max $(tail -1 "$work/lags") s"
echo "load after: $(uptime)"
