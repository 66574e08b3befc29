#!/usr/bin/env bash
# The sanitizer runs, each in a build directory of its own:
#   asan  the whole test suite under AddressSanitizer + UBSan (build-asan)
#   tsan  the concurrency test under ThreadSanitizer (build-tsan)
# Usage: scripts/sanitize.sh [asan|tsan]... (default: both). The flags go on
# the configure command line; CMakeLists never sets CMAKE_CXX_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=${JOBS:-2}
steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan tsan)

for step in "${steps[@]}"; do
  case "$step" in
    asan)
      # -fno-sanitize=alignment: RocksDB hands out values at arbitrary
      # offsets and views read the FlatBuffers record in place (zero-copy,
      # fine on x86). FlatBuffers exempts its ReadScalar from this check but
      # not the verifier's and accessors' member calls on a Vector, which
      # UBSan then reports (verifier.h:167) on every unaligned value; GCC's
      # UBSan ignores runtime suppressions for non-recoverable checks.
      # -O1 -g1 (line tables, enough for the reports' stacks) rather than
      # -O2 -g: the whole suite's build is most of CI's time, and this
      # about halves a file's compile time under ASan.
      cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize=alignment -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
        >/dev/null
      cmake --build build-asan -j"$jobs"
      # Two kinds of test do not apply here: package.* build an
      # uninstrumented consumer against the instrumented library (it cannot
      # link), and the serve fuzz's flat-memory check measures RSS, which
      # ASan's quarantine of freed memory inflates by design.
      (cd build-asan &&
        ASAN_OPTIONS=abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure -j"$jobs" --timeout 1200 \
          -E '^package\.|ServeSurvivesRequestFuzzingWithFlatMemory')
      ;;
    tsan)
      # RocksDB's shared library: it is not instrumented, so TSan cannot
      # see its locks, and scripts/tsan.supp names it by its file.
      cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DORDERSTORE_ROCKSDB_STATIC=OFF \
        -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" >/dev/null
      cmake --build build-tsan -j"$jobs" --target concurrency_test
      # history_size=7 (the most): a suppression matches either access of
      # a report, and the earlier one's stack is only there if TSan still
      # holds that thread's history. The threads run 10 s, not the normal
      # suite's 3 s: under TSan they get through far fewer operations.
      ORDERSTORE_CONCURRENCY_SECONDS=${ORDERSTORE_CONCURRENCY_SECONDS:-10} \
        TSAN_OPTIONS="halt_on_error=1 history_size=7 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp" \
        ./build-tsan/tests/concurrency_test
      ;;
    *)
      echo "sanitize.sh: unknown step '$step' (asan or tsan)" >&2
      exit 2
      ;;
  esac
done
