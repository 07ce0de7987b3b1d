#!/usr/bin/env bash
# Tests .ci/check-deps: the real build passes with the real .ci/deps, and a package that a
# deps list leaves out is named on the one summary line, whether the build loads it as a
# CMake package, links it, or links a file no Debian package owns.
# Usage: tst_check_deps.sh CASE  (environment: CHECK_DEPS, DEPS_SCRIPT, BUILD_DIR,
# ONEGATE_BIN, THROWAWAY_DIR; CTest sets them)
set -euo pipefail

case_name=${1:?usage: $0 CASE}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tst-check-deps.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL: $case_name: $*" >&2; exit 1; }

# A deps script for a case: prints its packages for --list, installs nothing.
deps_listing() {
    local file="$scratch/deps-$RANDOM"
    { echo '#!/usr/bin/env bash'; echo '[ "${1:-}" = --list ] || exit 0'; printf "printf '%%s\\\\n'"
      printf ' %q' "$@"; echo; } > "$file"
    printf '%s' "$file"
}

# Runs the check; sets $status and $output.
run_check() {
    status=0
    output=$("$CHECK_DEPS" "$@" 2>&1) || status=$?
    printf '%s\n' "$output" | sed 's/^/    | /'
}

expect_pass() {
    run_check "$@"
    [ "$status" -eq 0 ] || fail "expected the check to pass, it exited $status"
}

# The first line is the summary: "missing from DEPS: a b c".
expect_missing() {
    local wanted=$1; shift
    run_check "$@"
    [ "$status" -eq 1 ] || fail "expected exit 1 naming $wanted, got $status"
    local summary
    summary=$(printf '%s\n' "$output" | head -n 1)
    case "$summary" in "missing from "*) ;; *) fail "the first line is not the summary: $summary" ;; esac
    printf '%s\n' "${summary#*: }" | tr ' ' '\n' | grep -qxF -- "$wanted" \
        || fail "the summary does not name $wanted: $summary"
}

# Configures and builds the throwaway project with the given cache options.
build_throwaway() {
    cmake -S "$THROWAWAY_DIR" -B "$scratch/throwaway" -G Ninja "$@" > "$scratch/configure.log" 2>&1 \
        || { cat "$scratch/configure.log"; fail "the throwaway project did not configure"; }
    cmake --build "$scratch/throwaway" > "$scratch/build.log" 2>&1 \
        || { cat "$scratch/build.log"; fail "the throwaway project did not build"; }
}

base=(cmake ninja-build g++ qt6-base-dev)

case "$case_name" in
project)
    # The real tree: every CMake package, program, linked library and plugin the running
    # app maps comes from .ci/deps.
    expect_pass --deps "$DEPS_SCRIPT" --build "$BUILD_DIR" --run "$ONEGATE_BIN"
    ;;
project_without_websockets)
    # The very gap of issue 7: qt6-websockets-dev present on the machine, absent from the list.
    mapfile -t real < <(bash "$DEPS_SCRIPT" --list | grep -vx 'qt6-websockets-dev')
    expect_missing qt6-websockets-dev --deps "$(deps_listing "${real[@]}")" --build "$BUILD_DIR"
    ;;
cmake_package)
    build_throwaway -DWITH_WEBSOCKETS=ON
    expect_missing qt6-websockets-dev --deps "$(deps_listing "${base[@]}")" --build "$scratch/throwaway"
    expect_pass --deps "$(deps_listing "${base[@]}" qt6-websockets-dev)" --build "$scratch/throwaway"
    ;;
linked_library)
    # Linked by path, without a CMake config: only ldd sees it.
    library=$(ls /usr/lib/*/libqt6keychain.so.1 | head -n 1)
    build_throwaway -DEXTRA_LIBRARY="$library"
    expect_missing libqt6keychain1 --deps "$(deps_listing "${base[@]}")" --build "$scratch/throwaway"
    # Brought in by a listed package's dependencies counts.
    expect_pass --deps "$(deps_listing "${base[@]}" qtkeychain-qt6-dev)" --build "$scratch/throwaway"
    ;;
unowned_library)
    # A library outside the build tree that no package owns: a fresh machine lacks it.
    mkdir -p "$scratch/outside"
    g++ -shared -fPIC -o "$scratch/outside/libcheckdepsmine.so" "$(dirname "$THROWAWAY_DIR")/mylib.cpp"
    build_throwaway -DEXTRA_LIBRARY="$scratch/outside/libcheckdepsmine.so"
    expect_missing "$scratch/outside/libcheckdepsmine.so" \
        --deps "$(deps_listing "${base[@]}")" --build "$scratch/throwaway"
    ;;
failed_configure)
    # A fresh machine: configure stops at a package nobody installed. The check names
    # the Debian package to add (or, without apt's lists, the CMake package).
    if cmake -S "$THROWAWAY_DIR" -B "$scratch/throwaway" -G Ninja -DREQUIRE_PACKAGE=Qt6Charts \
            > "$scratch/configure.log" 2>&1; then
        fail "configure was expected to fail: Qt6Charts is installed here?"
    fi
    run_check --deps "$(deps_listing "${base[@]}")" --build "$scratch/throwaway"
    [ "$status" -eq 1 ] || fail "expected exit 1, got $status"
    summary=$(printf '%s\n' "$output" | head -n 1)
    case "$summary" in
        "missing from "*": qt6-charts-dev" | "missing from "*": Qt6Charts") ;;
        *) fail "the summary does not name qt6-charts-dev (or Qt6Charts): $summary" ;;
    esac
    ;;
usage)
    run_check --deps "$DEPS_SCRIPT"
    [ "$status" -eq 2 ] || fail "a missing --build is a usage error (exit 2), got $status"
    ;;
*)
    fail "no such case"
    ;;
esac
echo "PASS: $case_name"
