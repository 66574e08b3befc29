#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, loads sample
# orders into the default store (./orderstore.db): 1,000 generated orders
# and the source document's example; then prints the example order as the
# documented detail response.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
tool=./build/tools/orderstore
$tool generate --count 1000 --seed 1 | $tool import -
$tool import tests/data/example.json
$tool get 602892b7b500000eed4190e932000000
