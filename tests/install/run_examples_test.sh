#!/usr/bin/env bash
# run_examples_test.sh CMAKE BUILD_DIR EXAMPLES_DIR
#
# The plugin guide's promise, end to end: install BUILD_DIR into a scratch
# prefix, build examples/c and examples/cpp against the *installed* package
# (find_package(mcphost) through CMAKE_PREFIX_PATH; the source tree is not on
# any include path), check each with `mcp-host inspect`, then load both into
# the installed mcp-host and call their tools over stdio.
set -euo pipefail

CMAKE=${1:?usage: run_examples_test.sh CMAKE BUILD_DIR EXAMPLES_DIR}
BUILD_DIR=${2:?}
EXAMPLES=${3:?}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-examples-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
run_logged() {  # run_logged LOG WHAT COMMAND...: fails the test with the log on error
  local log=$1 what=$2
  shift 2
  if ! "$@" > "$log" 2>&1; then
    cat "$log" >&2
    echo "FAIL: $what" >&2
    exit 1
  fi
}

echo "--- install $BUILD_DIR into $TMP/prefix"
run_logged "$TMP/install.log" "cmake --install" "$CMAKE" --install "$BUILD_DIR" --prefix "$TMP/prefix"
HOST="$TMP/prefix/bin/mcp-host"

# Copies of the examples, so nothing resolves relative to the source tree.
cp -r "$EXAMPLES/c" "$TMP/example-c"
cp -r "$EXAMPLES/cpp" "$TMP/example-cpp"
for lang in c cpp; do
  echo "--- build examples/$lang against the installed package"
  run_logged "$TMP/$lang-configure.log" "configure examples/$lang" \
    "$CMAKE" -S "$TMP/example-$lang" -B "$TMP/build-$lang" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TMP/prefix"
  run_logged "$TMP/$lang-build.log" "build examples/$lang" "$CMAKE" --build "$TMP/build-$lang" -j1
  check "examples/$lang found mcphost in the prefix" \
    grep -q "mcphost_DIR:PATH=$TMP/prefix/lib/cmake/mcphost" "$TMP/build-$lang/CMakeCache.txt"
  check "examples/$lang compiled against the installed headers, not the source tree" \
    bash -c "! grep -rq -- '$(cd "$EXAMPLES/.." && pwd)/plugin_api' '$TMP/build-$lang'"
done
C_PLUGIN="$TMP/build-c/libhello_c.so"
CPP_PLUGIN="$TMP/build-cpp/libhello_cpp.so"
check "libhello_c.so was built" test -f "$C_PLUGIN"
check "libhello_cpp.so was built" test -f "$CPP_PLUGIN"
for p in "$C_PLUGIN" "$CPP_PLUGIN"; do
  check "$(basename "$p") exports only the entry symbol" \
    bash -c "test \"\$(nm -D --defined-only '$p' | awk '\$2 == \"T\" {print \$3}')\" = mcpp_plugin_negotiate"
done

echo "--- mcp-host inspect"
for pair in "hello_c:$C_PLUGIN" "hello_cpp:$CPP_PLUGIN"; do
  name=${pair%%:*}
  file=${pair#*:}
  if out=$("$HOST" inspect "$file" 2> "$TMP/inspect.err"); then
    check "inspect $name names it and its tool" node -e '
      const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const want = process.argv[1];
      if (d.name !== want || d.id !== "com.example." + want || d.version !== "1.0.0") process.exit(1);
      if (!JSON.stringify(d).includes("\"hello\"")) process.exit(1);' "$name" <<<"$out"
  else
    cat "$TMP/inspect.err" >&2
    fail "inspect $file"
  fi
done

echo "--- load both into the installed host and call them"
cat > "$TMP/mcphost.yaml" <<YAML
plugins:
  - path: $C_PLUGIN
  - path: $CPP_PLUGIN
YAML
check "check-config accepts both" bash -c "'$HOST' check-config '$TMP/mcphost.yaml' 2>&1 | grep -q '2 plugins'"
INPUT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"examples-test","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"hello_c__hello","arguments":{"name":"Ada"}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"hello_cpp__hello","arguments":{"name":"Grace"}}}'
status=0
printf '%s\n' "$INPUT" | timeout 60 "$HOST" --config "$TMP/mcphost.yaml" > "$TMP/stdout" 2> "$TMP/stderr" || status=$?
cat "$TMP/stdout"
check "the host exits 0 at end of input (status $status)" test "$status" -eq 0
check "both example tools answer through the installed host" node -e '
  const msgs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const by = Object.fromEntries(msgs.filter((m) => m.id !== undefined).map((m) => [m.id, m]));
  const text = (id) => by[id]?.result?.content?.[0]?.text;
  if (text(2) !== "Hello from C! arguments: {\"name\":\"Ada\"}") { console.error(JSON.stringify(by[2])); process.exit(1); }
  if (text(3) !== "Hello from C++! arguments: {\"name\":\"Grace\"}") { console.error(JSON.stringify(by[3])); process.exit(1); }
  if (by[2].result.isError || by[3].result.isError) process.exit(1);' "$TMP/stdout"

if [ "$failures" -ne 0 ]; then
  cat "$TMP/stderr" >&2 || true
  echo "examples test: $failures check(s) failed" >&2
  exit 1
fi
echo "examples test: all checks passed"
