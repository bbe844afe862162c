#!/usr/bin/env bash
# test.sh - installs the dependencies, builds mcphost twice and runs every test
# in both builds:
#   build/       RelWithDebInfo
#   build-asan/  Debug with AddressSanitizer + UndefinedBehaviorSanitizer
#   build-fuzz/  clang with libFuzzer, ASan and UBSan: the fuzz targets only (tests/fuzz)
# MCPHOST_TEST_LABELS=<regex> runs only the tests with matching ctest labels
# (unit, e2e, install, filesystem, analytics, conformance, browser, cross, package, fuzz, heavy), e.g. MCPHOST_TEST_LABELS=unit bash scripts/test.sh.
# Exits non-zero when any build or test fails.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

JOBS=${MCPHOST_JOBS:-2}

echo "== dependencies"
bash scripts/install-deps.sh

# The npm test clients, installed once: again only when package-lock.json
# changed since the last `npm ci` (its hash is kept in node_modules).
# The npm test clients (the SDK clients, the reference filesystem server),
# installed once per folder: again only when its package-lock.json changed
# since the last `npm ci` (the hash is kept in node_modules).
for dir in tests/e2e plugins/filesystem/tests tests/conformance tests/shipping; do
  echo "== npm packages ($dir)"
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  stamp=$dir/node_modules/.mcphost-lock-sha256
  if [ ! -d "$dir/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_hash" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" > "$stamp"
  fi
done

echo "== build/ (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPHOST_SANITIZE=OFF > /dev/null
cmake --build build -j"$JOBS"

echo "== build-asan/ (Debug, ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMCPHOST_SANITIZE=ON > /dev/null
cmake --build build-asan -j"$JOBS"

echo "== build-fuzz/ (clang, libFuzzer + ASan + UBSan: the fuzz targets only)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPHOST_FUZZ=ON > /dev/null
cmake --build build-fuzz --target fuzzers -j"$JOBS"

ctest_args=(--output-on-failure)
if [ -n "${MCPHOST_TEST_LABELS:-}" ]; then
  ctest_args+=(-L "$MCPHOST_TEST_LABELS")
fi

status=0
echo "== tests in build/"
(cd build && ctest "${ctest_args[@]}") || status=1

echo "== tests in build-asan/"
# LeakSanitizer needs ptrace; where the sandbox forbids it, it cannot run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-asan && ctest "${ctest_args[@]}") || status=1

echo "== fuzz targets in build-fuzz/ (each for a bounded time)"
(cd build-fuzz && ctest "${ctest_args[@]}" --no-tests=ignore) || status=1

if [ "$status" -ne 0 ]; then
  echo "test.sh: FAILED (see the ctest output above)" >&2
else
  echo "test.sh: all tests passed in build/, build-asan/ and build-fuzz/"
fi
exit "$status"
