#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang 14, ASan and UBSan in
# build-fuzz and runs each for FUZZ_SECONDS (default 60) from the seed corpus
# tests/fuzz_corpus/<target>/. New inputs go to build-fuzz/corpus/ (never
# committed). A crash stops the run; its input is in build-fuzz/artifacts/:
# fix it, then keep it as tests/fuzz_corpus/<target>/crash-<what> so that
# fuzz_replay_test replays it in the normal build.
# Usage: scripts/fuzz.sh [TARGET...]
#   (targets: json_import hash_parse timestamp record_view)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh clang-14 libclang-rt-14-dev
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(json_import hash_parse timestamp record_view)

CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DORDERSTORE_BUILD_FUZZERS=ON -DORDERSTORE_BUILD_TESTS=OFF \
  -DORDERSTORE_BUILD_TOOLS=OFF -DORDERSTORE_INSTALL=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
cmake --build build-fuzz -j"${JOBS:-2}" --target "${targets[@]/%/_fuzzer}"

mkdir -p build-fuzz/artifacts
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  log=build-fuzz/$target.log
  status=0
  UBSAN_OPTIONS=print_stacktrace=1 \
    "build-fuzz/fuzz/${target}_fuzzer" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$target-" \
    "$corpus" "tests/fuzz_corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "fuzz $target: ${runs:-?} executions in ${seconds} s, exit $status"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|runtime error|SUMMARY|^[a-z_]+: ' "$log" | head -20 >&2
    echo "fuzz $target: crash input saved in build-fuzz/artifacts/" >&2
    exit 1
  fi
done
