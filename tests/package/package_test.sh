#!/usr/bin/env bash
# The packaging tests (tests/package/CMakeLists.txt registers each step):
#   install       cmake --install the built tree into $WORK/prefix
#   find_package  build examples/daemon with find_package(orderstore), run
#                 it; the same for tests/package/addons (orderstore::http,
#                 orderstore::testing, orderstore::ship)
#   pkg_config    build the daemon with pkg-config's flags, shared and
#                 static, run it; the same for the add-ons
#   symbols       liborderstore.so: SONAME, and only orderstore:: exported
#   embedding     docs/embedding.md shows the daemon verbatim
#   changelog     CHANGELOG.md's newest entry is project(VERSION)
# Environment (set by CTest): SOURCE_DIR, BUILD_DIR, WORK, VERSION, CMAKE,
# CXX, PKG_CONFIG.
set -euo pipefail

step=$1
prefix=$WORK/prefix
daemon_src=$SOURCE_DIR/examples/daemon
fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs a daemon binary against store $2 and compares its output with
# expected_output.txt. The request id is fresh on every run: it is checked
# for its shape, then replaced by the source document's.
check_daemon() {
  local binary=$1 store=$2 out
  out=$("$binary" "$store") || fail "$binary exited with $?"
  grep -Eq '"request_id":"[A-Za-z0-9]{16}"}$' <<<"$out" ||
    fail "$binary: no 16-character request id in: $out"
  out=$(sed -E 's/"request_id":"[A-Za-z0-9]{16}"}$/"request_id":"TRBUBYEtcQWEg18W"}/' <<<"$out")
  local expected
  expected=$(sed "s/@VERSION@/$VERSION/" "$SOURCE_DIR/tests/package/expected_output.txt")
  if [[ "$out" != "$expected" ]]; then
    diff <(echo "$expected") <(echo "$out") >&2 || true
    fail "$binary printed something else than expected_output.txt (diff above: < expected, > actual)"
  fi
  echo "ok: $binary"
}

# Runs an add-on consumer (tests/package/addons) against a fresh store $2.
check_addons() {
  local binary=$1 store=$2 out
  rm -rf "$store"
  out=$("$binary" "$store") || fail "$binary exited with $?"
  [[ "$out" == $'200 detail response\n404\nshard' ]] ||
    fail "$binary printed '$out', not '200 detail response', '404' and 'shard'"
  echo "ok: $binary"
}

case $step in
  install)
    rm -rf "$prefix"
    "$CMAKE" --install "$BUILD_DIR" --prefix "$prefix" >/dev/null
    for f in include/orderstore/store.h include/orderstore/version.h \
             include/orderstore/http.h include/orderstore/generate.h \
             lib/liborderstore.a lib/liborderstore.so \
             "lib/liborderstore.so.${VERSION%%.*}" \
             lib/liborderstore_http.a lib/liborderstore_http.so \
             lib/liborderstore_testing.a lib/liborderstore_testing.so \
             lib/liborderstore_ship.a lib/liborderstore_ship.so \
             include/orderstore/ship.h \
             lib/pkgconfig/orderstore-http.pc \
             lib/pkgconfig/orderstore-testing.pc \
             lib/pkgconfig/orderstore-ship.pc \
             lib/cmake/orderstore/orderstoreConfig.cmake \
             lib/cmake/orderstore/orderstoreConfigVersion.cmake \
             lib/pkgconfig/orderstore.pc; do
      [[ -e "$prefix/$f" ]] || fail "not installed: $f"
    done
    [[ ! -e "$prefix/include/orderstore/version.h.in" ]] || fail "version.h.in installed"
    grep -q "ORDERSTORE_VERSION_STRING \"$VERSION\"" "$prefix/include/orderstore/version.h" ||
      fail "installed version.h does not say $VERSION"
    # The HTTP handler, the generator and the shipper are libraries of
    # their own.
    ! nm -DC --defined-only "$prefix/lib/liborderstore.so" |
      grep -Eq 'orderstore::(HandleHttpRequest|GenerateOrder|ShipChanges)\(' ||
      fail "liborderstore.so carries the HTTP handler, the generator or the shipper"
    echo "ok: installed into $prefix"
    ;;

  find_package)
    build=$WORK/find_package
    rm -rf "$build" "$WORK/find_package.db"
    # Only the fresh prefix may provide orderstore (no package registry).
    "$CMAKE" -S "$daemon_src" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$WORK/find_package.log" 2>&1 ||
      { cat "$WORK/find_package.log" >&2; fail "configuring examples/daemon"; }
    grep -qx "orderstore_DIR:PATH=$prefix/lib/cmake/orderstore" "$build/CMakeCache.txt" ||
      fail "find_package did not take orderstore from $prefix"
    "$CMAKE" --build "$build" -j2 >>"$WORK/find_package.log" 2>&1 ||
      { cat "$WORK/find_package.log" >&2; fail "building examples/daemon"; }
    readelf -d "$build/billing_daemon" | grep -q 'NEEDED.*\[liborderstore\.so\.' ||
      fail "billing_daemon is not linked with liborderstore.so"
    ! readelf -d "$build/billing_daemon_static" | grep -q 'NEEDED.*liborderstore' ||
      fail "billing_daemon_static needs liborderstore.so"
    # The second run reopens the store the first one wrote.
    check_daemon "$build/billing_daemon" "$WORK/find_package.db"
    check_daemon "$build/billing_daemon_static" "$WORK/find_package.db"

    build=$WORK/find_package_addons
    rm -rf "$build"
    "$CMAKE" -S "$SOURCE_DIR/tests/package/addons" -B "$build" \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$CXX" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
      >"$WORK/find_package_addons.log" 2>&1 &&
      "$CMAKE" --build "$build" -j2 >>"$WORK/find_package_addons.log" 2>&1 ||
      { cat "$WORK/find_package_addons.log" >&2; fail "building tests/package/addons"; }
    readelf -d "$build/addons" | grep -q 'NEEDED.*\[liborderstore_http\.so\.' ||
      fail "addons is not linked with liborderstore_http.so"
    ! readelf -d "$build/addons_static" | grep -q 'NEEDED.*liborderstore' ||
      fail "addons_static needs a shared orderstore library"
    check_addons "$build/addons" "$WORK/find_package_addons.db"
    check_addons "$build/addons_static" "$WORK/find_package_addons.db"
    ;;

  pkg_config)
    dir=$WORK/pkg_config
    rm -rf "$dir" && mkdir -p "$dir"
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    [[ "$("$PKG_CONFIG" --modversion orderstore)" == "$VERSION" ]] ||
      fail "pkg-config --modversion orderstore is not $VERSION"
    # pkg-config cannot carry the language level: consumers add it.
    "$CXX" -std=c++20 -O1 -c "$daemon_src/billing_daemon.cc" -o "$dir/daemon.o" \
      $("$PKG_CONFIG" --cflags orderstore)
    "$CXX" "$dir/daemon.o" -o "$dir/billing_daemon" \
      $("$PKG_CONFIG" --libs orderstore) -Wl,-rpath,"$prefix/lib"
    check_daemon "$dir/billing_daemon" "$dir/store.db"
    # Static: liborderstore.a and librocksdb.a by file name (plain -l would
    # take the .so files), every other library as `--static --libs` lists
    # it. This fails if Libs.private misses something either archive needs.
    libs=$("$PKG_CONFIG" --static --libs orderstore)
    [[ " $libs " == *" -lorderstore "* && " $libs " == *" -lrocksdb "* ]] ||
      fail "unexpected pkg-config --static --libs: $libs"
    libs=${libs/-lorderstore/-l:liborderstore.a}
    libs=${libs/-lrocksdb/-l:librocksdb.a}
    "$CXX" "$dir/daemon.o" -o "$dir/billing_daemon_static" $libs
    ! readelf -d "$dir/billing_daemon_static" | grep -Eq 'NEEDED.*(liborderstore|librocksdb)' ||
      fail "billing_daemon_static is linked with a shared orderstore or rocksdb"
    check_daemon "$dir/billing_daemon_static" "$dir/store.db"

    "$CXX" -std=c++20 -O1 -c "$SOURCE_DIR/tests/package/addons/addons.cc" \
      -o "$dir/addons.o" $("$PKG_CONFIG" --cflags orderstore-http orderstore-testing orderstore-ship)
    "$CXX" "$dir/addons.o" -o "$dir/addons" -Wl,-rpath,"$prefix/lib" \
      $("$PKG_CONFIG" --libs orderstore-http orderstore-testing orderstore-ship)
    check_addons "$dir/addons" "$dir/addons.db"
    libs="$("$PKG_CONFIG" --static --libs orderstore-http orderstore-testing orderstore-ship) "
    for lib in orderstore_http orderstore_testing orderstore_ship orderstore rocksdb; do
      libs=${libs//-l$lib /-l:lib$lib.a }
    done
    "$CXX" "$dir/addons.o" -o "$dir/addons_static" $libs
    ! readelf -d "$dir/addons_static" | grep -Eq 'NEEDED.*(liborderstore|librocksdb)' ||
      fail "addons_static is linked with a shared orderstore or rocksdb"
    check_addons "$dir/addons_static" "$dir/addons.db"
    ;;

  symbols)
    so=$prefix/lib/liborderstore.so
    readelf -d "$so" | grep -q "SONAME.*\[liborderstore\.so\.${VERSION%%.*}\]" ||
      fail "$so has no SONAME liborderstore.so.${VERSION%%.*}"
    exported=$(nm -DC --defined-only "$so" | cut -d' ' -f3-)
    grep -q '^orderstore::Store::Open(' <<<"$exported" ||
      fail "orderstore::Store::Open is not exported"
    # Names outside namespace orderstore (RocksDB, FlatBuffers, simdjson,
    # Boost, the standard library) and orderstore::internal must not leak.
    leaked=$(grep -Ev '^((typeinfo|typeinfo name|vtable) for )?orderstore::' <<<"$exported" |
             grep -Ev '^_(init|fini)$' || true)
    leaked+=$(grep '^orderstore::internal::' <<<"$exported" || true)
    [[ -z "$leaked" ]] || fail "liborderstore.so exports non-public symbols:
$leaked"
    echo "ok: $(wc -l <<<"$exported") symbols, all public API"
    ;;

  embedding)
    code=$(<"$daemon_src/billing_daemon.cc")
    doc=$(<"$SOURCE_DIR/docs/embedding.md")
    fence='```'
    [[ "$doc" == *"$fence"cpp$'\n'"$code"$'\n'"$fence"* ]] ||
      fail "docs/embedding.md must show examples/daemon/billing_daemon.cc verbatim, in a \`\`\`cpp block: copy the file into it"
    echo "ok: docs/embedding.md shows examples/daemon/billing_daemon.cc"
    ;;

  changelog)
    # project(VERSION) is the one place the version is set; a new version
    # needs its CHANGELOG.md entry, newest first. Changes not yet released
    # collect in one "## Unreleased" section, which may only come first:
    # releasing renames it to the version.
    sections=$(grep -E '^## ' "$SOURCE_DIR/CHANGELOG.md" | cut -c4- || true)
    first=$(head -n1 <<<"$sections")
    released=$(grep -vx 'Unreleased' <<<"$sections" || true)
    newest=$(head -n1 <<<"$released")
    [[ $(grep -cx 'Unreleased' <<<"$sections") -le 1 ]] ||
      fail "CHANGELOG.md has more than one '## Unreleased' section"
    [[ "$first" == "Unreleased" || "$sections" != *Unreleased* ]] ||
      fail "CHANGELOG.md's '## Unreleased' section must come first, above '## $newest'"
    bad=$(grep -vxE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$released" || true)
    [[ -z "$bad" ]] ||
      fail "CHANGELOG.md sections are '## Unreleased' or '## X.Y.Z'; not: $bad"
    [[ "$newest" == "$VERSION" ]] ||
      fail "CHANGELOG.md's newest released entry is '$newest', project(VERSION) says $VERSION: add a '## $VERSION' section (or rename '## Unreleased')"
    echo "ok: CHANGELOG.md's newest released entry is $VERSION"
    ;;

  *) fail "unknown step $step" ;;
esac
