#!/usr/bin/env bash
# An import of one large JSON Lines file by `orderstore import`, as a user
# runs it: wall time, orders/s and the process's peak resident memory
# (/usr/bin/time -v), the page cache not counted. The target: under 1 GB
# whatever the file's size (docs/benchmarks.md); 10,000,000 orders make a
# ~7 GB file and need ~10 GB of free disk under $TMPDIR.
# Usage: flock /tmp/bench.lock bench/import_memory.sh [N] (default 10000000)
# Needs build/tools/orderstore (Release or RelWithDebInfo) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000000}
tool=$PWD/build/tools/orderstore
work=$(mktemp -d "${TMPDIR:-/tmp}/import_memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

./scripts/install-deps.sh time
"$tool" generate --count "$n" > "$work/orders.jsonl"
echo "file: $(du -h "$work/orders.jsonl" | cut -f1), $n orders; load:$(uptime | sed 's/.*load average://')"
/usr/bin/time -v "$tool" --db "$work/db" import "$work/orders.jsonl" 2> "$work/time.txt"
wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
peak_kb=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
cpu=$(grep 'Percent of CPU' "$work/time.txt" | awk '{print $NF}')
echo "wall $wall, CPU $cpu, peak resident $((peak_kb / 1024)) MiB"
echo "load after:$(uptime | sed 's/.*load average://')"
