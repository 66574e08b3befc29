#!/usr/bin/env bash
# Installs the Debian packages orderstore builds and tests with, if any is
# missing. Idempotent: does nothing (and needs no network) when all are there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost-date-time-dev libboost-dev libsimdjson-dev
  googletest libgtest-dev libbenchmark-dev
  libssl-dev openssl curl
  doxygen
  golang-go  # go_client_test: a real Go client of the detail response
  clickhouse-server clickhouse-client
)
# Extra packages named on the command line (e.g. the benchmarks' baselines).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
