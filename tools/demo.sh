#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, loads sample
# orders into the default store (./orderstore.db) and prints the source
# document's example order as the documented detail response.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh
./tools/build.sh
./build/tools/orderstore import tests/data/example.json
./build/tools/orderstore get 602892b7b500000eed4190e932000000
