#!/usr/bin/env bash
# run_install_test.sh CMAKE BUILD_DIR PLUGIN_SOURCE_DIR
#
# 1. cmake --install BUILD_DIR into a temporary prefix and check its layout;
# 2. configure and build the third-party plugin in PLUGIN_SOURCE_DIR against
#    that prefix (find_package(mcphost) through CMAKE_PREFIX_PATH);
# 3. move the prefix elsewhere (the install must be relocatable), then run the
#    installed mcp-host: check-config, inspect, and a real stdio session that
#    loads echo by name (found relative to the binary) and the plugin by path.
set -euo pipefail

CMAKE=${1:?usage: run_install_test.sh CMAKE BUILD_DIR PLUGIN_SOURCE_DIR}
BUILD_DIR=${2:?}
PLUGIN_SRC=${3:?}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-install-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
step() { echo "--- $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

step "install $BUILD_DIR into $TMP/prefix"
"$CMAKE" --install "$BUILD_DIR" --prefix "$TMP/prefix" > "$TMP/install.log" || {
  cat "$TMP/install.log" >&2
  echo "FAIL: cmake --install" >&2
  exit 1
}

step "prefix layout"
for f in bin/mcp-host lib/mcphost/plugins/libmcphost_echo.so include/mcphost/mcp_plugin.h \
         lib/cmake/mcphost/mcphostConfig.cmake lib/cmake/mcphost/mcphostConfigVersion.cmake \
         share/mcphost/mcphost.yaml; do
  check "$f is installed" test -f "$TMP/prefix/$f"
done
check "bin/mcp-host is executable" test -x "$TMP/prefix/bin/mcp-host"
check "test fixtures are not installed" bash -c "! find '$TMP/prefix' -name 'libmisbehaving.so' | grep -q ."

step "build the third-party plugin against the installed package"
if ! "$CMAKE" -S "$PLUGIN_SRC" -B "$TMP/plugin-build" -DCMAKE_BUILD_TYPE=Release \
       -DCMAKE_PREFIX_PATH="$TMP/prefix" > "$TMP/plugin-configure.log" 2>&1; then
  cat "$TMP/plugin-configure.log" >&2
  echo "FAIL: configuring the third-party plugin with find_package(mcphost)" >&2
  exit 1
fi
if ! "$CMAKE" --build "$TMP/plugin-build" -j1 > "$TMP/plugin-build.log" 2>&1; then
  cat "$TMP/plugin-build.log" >&2
  echo "FAIL: building the third-party plugin" >&2
  exit 1
fi
check "mcphost_DIR points into the prefix" grep -q "mcphost_DIR:PATH=$TMP/prefix/lib/cmake/mcphost" "$TMP/plugin-build/CMakeCache.txt"
PLUGIN="$TMP/plugin-build/libshout.so"
check "libshout.so was built" test -f "$PLUGIN"

step "relocate the prefix"
mv "$TMP/prefix" "$TMP/relocated"
HOST="$TMP/relocated/bin/mcp-host"

mkdir -p "$TMP/config"
CONFIG="$TMP/config/mcphost.yaml"
cat > "$CONFIG" <<YAML
# No plugin_dirs: 'name: echo' must be found next to the installed binary.
plugins:
  - name: echo
  - path: $PLUGIN
YAML

step "mcp-host --version"
check "--version names the ABI" bash -c "'$HOST' --version | grep -q 'plugin ABI'"

step "mcp-host check-config"
if out=$("$HOST" check-config "$CONFIG" 2>&1); then
  echo "$out"
  check "check-config counts 2 plugins" grep -q "2 plugins" <<<"$out"
else
  echo "$out" >&2
  fail "check-config $CONFIG"
fi
if out=$("$HOST" check-config "$TMP/relocated/share/mcphost/mcphost.yaml" 2>&1); then
  echo "$out"
else
  echo "$out" >&2
  fail "check-config of the shipped default config"
fi
cat > "$TMP/config/bad.yaml" <<YAML
plugins:
  - name: no_such_plugin_anywhere
YAML
check "check-config refuses a plugin that is not installed" bash -c "! '$HOST' check-config '$TMP/config/bad.yaml' 2>/dev/null"

step "mcp-host inspect"
if out=$("$HOST" inspect "$PLUGIN" 2> "$TMP/inspect.err"); then
  echo "$out"
  check "inspect prints JSON naming the plugin and its tool" node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const text = JSON.stringify(d);
    if (d.name !== "shout" || d.id !== "com.example.shout" || d.version !== "0.1.0") process.exit(1);
    if (!text.includes("\"shout\"") || !text.includes("upper case")) process.exit(1);' <<<"$out"
else
  cat "$TMP/inspect.err" >&2
  fail "inspect $PLUGIN"
fi

step "serve over stdio with the installed host"
INPUT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"install-test","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"shout__shout","arguments":{"text":"hello, third party! \u00e9"}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo__echo","arguments":{"text":"echo found by name"}}}'
status=0
printf '%s\n' "$INPUT" | timeout 60 "$HOST" --config "$CONFIG" > "$TMP/stdout" 2> "$TMP/stderr" || status=$?
cat "$TMP/stdout"
check "the host exits 0 at end of input (status $status)" test "$status" -eq 0
check "the installed host answers every request, with JSON lines only" node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  const msgs = lines.map((l) => JSON.parse(l));
  const by = Object.fromEntries(msgs.filter((m) => m.id !== undefined).map((m) => [m.id, m]));
  const fail = (why) => { console.error(why); process.exit(1); };
  if (by[1]?.result?.protocolVersion !== "2025-11-25") fail("initialize");
  const names = (by[2]?.result?.tools || []).map((t) => t.name);
  if (!names.includes("shout__shout") || !names.includes("echo__echo")) fail("tools/list: " + names);
  if (JSON.stringify(by[3]?.result?.content) !== JSON.stringify([{ type: "text", text: "HELLO, THIRD PARTY! \u00e9" }])) fail("shout: " + JSON.stringify(by[3]));
  if (by[3].result.isError) fail("shout isError");
  if (by[4]?.result?.content?.[0]?.text !== "echo found by name") fail("echo: " + JSON.stringify(by[4]));' "$TMP/stdout"

if [ "$failures" -ne 0 ]; then
  echo "--- stderr of the host:" >&2
  cat "$TMP/stderr" >&2 || true
  echo "install test: $failures check(s) failed" >&2
  exit 1
fi
echo "install test: all checks passed"
