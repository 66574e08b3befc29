#!/usr/bin/env bash
# Builds the benchmarks (Release, in ./build-bench or $BUILD_DIR), runs every
# one of them over one generated dataset and prints Google Benchmark's output
# followed by the summary table (ns/op, allocations, ratios, targets).
#
# Every benchmark runs three times, the repetitions of all of them in random
# order, and the table shows the medians: a shared machine's speed drifts
# within a run (the cost of one cold memory load can move by half), and a
# single pass puts each benchmark of a ratio in a different stretch of it.
# Arguments given here come later and win (--benchmark_repetitions=1 for
# one quick pass). A full run takes about a quarter of an hour on 2 cores.
# docs/benchmarks.md explains the method and holds the current figures.
#
#   bench/run.sh                  # 1,000,000 orders
#   bench/run.sh --orders 20000   # fewer; other arguments go to the binary
#                                 # (e.g. --benchmark_filter=Get)
#
# The dataset is loaded into a temporary directory under $TMPDIR (about
# 2.5 KB of disk per order across all the stores) and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh libsqlite3-dev liblmdb-dev nlohmann-json3-dev
build_dir=${BUILD_DIR:-build-bench}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
  -DORDERSTORE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}" --target orderstore_bench
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load:$(uptime | sed 's/.*load average://')"
"$build_dir/bench/orderstore_bench" --benchmark_repetitions=3 \
  --benchmark_enable_random_interleaving=true "$@"
