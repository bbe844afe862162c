#!/usr/bin/env bash
# deb_package.sh BUILD_DIR SOURCE_DIR
#
# The .deb, without installing it on this machine:
#  1. cpack -G DEB in BUILD_DIR (into a scratch folder);
#  2. its metadata (dpkg-deb -f: name, version, architecture, library
#     dependencies) and contents (dpkg-deb -c: host, plugins, headers, CMake
#     package, /etc config, systemd unit; no test fixtures), conffiles;
#  3. `apt-get install --simulate ./mcphost_*.deb`: apt could install it here
#     (its dependencies resolve), when run as root;
#  4. unpacks it into a scratch root (dpkg-deb -x) and runs the unpacked
#     mcp-host with the unpacked /etc/mcphost config: check-config, then a
#     real HTTP session (health, tools/call of the packaged filesystem
#     plugin), then SIGTERM;
#  5. systemd-analyze verify of the unit inside that root (and that a broken
#     copy is refused), and its offline security exposure score.
set -euo pipefail
BUILD=${1:?usage: deb_package.sh BUILD_DIR SOURCE_DIR}
SRC=${2:?}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-deb.XXXXXX")
HOST_PID=
cleanup() {
  if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}

echo "--- cpack"
if ! (cd "$BUILD" && cpack -G DEB -B "$TMP/out" > "$TMP/cpack.log" 2>&1); then
  cat "$TMP/cpack.log" >&2
  echo "FAIL: cpack -G DEB" >&2
  exit 1
fi
DEB=$(ls "$TMP"/out/mcphost_*.deb)
echo "package: $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
version=$(sed -n 's/^project(mcphost VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
arch=$(dpkg --print-architecture)
check "file name mcphost_${version}_${arch}.deb" test "$(basename "$DEB")" = "mcphost_${version}_${arch}.deb"

echo "--- metadata"
dpkg-deb -I "$DEB" | sed -n '/Package:/,$p'
check "Package: mcphost" test "$(dpkg-deb -f "$DEB" Package)" = mcphost
check "Version: $version" test "$(dpkg-deb -f "$DEB" Version)" = "$version"
check "Architecture: $arch" test "$(dpkg-deb -f "$DEB" Architecture)" = "$arch"
depends=$(dpkg-deb -f "$DEB" Depends)
for lib in libc6 libstdc++6 libyaml-cpp0.7 libspdlog1.10 libssl3; do
  check "Depends names $lib" grep -q "$lib" <<<"$depends"
done
dpkg-deb -e "$DEB" "$TMP/control"
check "the /etc files are conffiles" \
  bash -c "grep -qx /etc/mcphost/mcphost.yaml '$TMP/control/conffiles' && grep -qx /etc/mcphost/mcphost.env '$TMP/control/conffiles'"

echo "--- contents"
dpkg-deb -c "$DEB" | awk '{print $1, $6}' > "$TMP/contents"
for f in ./usr/bin/mcp-host ./usr/bin/mcp-plugin-runner ./usr/lib/mcphost/plugins/libmcphost_echo.so ./usr/lib/mcphost/plugins/libmcphost_filesystem.so \
         ./usr/lib/mcphost/plugins/libmcphost_analytics.so ./usr/include/mcphost/mcp_plugin.h ./usr/include/mcphost/mcp_plugin.hpp \
         ./usr/lib/cmake/mcphost/mcphostConfig.cmake ./usr/lib/cmake/mcphost/mcphostTargets.cmake \
         ./etc/mcphost/mcphost.yaml ./etc/mcphost/mcphost.env ./usr/lib/systemd/system/mcphost.service \
         ./usr/share/doc/mcphost/plugin-guide.md; do
  check "contains $f" grep -q " $f\$" "$TMP/contents"
done
check "the env file (secrets) is not world-readable" grep -q '^-rw------- ./etc/mcphost/mcphost.env$' "$TMP/contents"
check "no test fixtures or benchmark tools" bash -c "! grep -Eq 'misbehaving|cpp_helper|conformance_test|mcphost_unit_tests|bench' '$TMP/contents'"

if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
  echo "--- apt-get install --simulate"
  if apt-get install --simulate -o Debug::NoLocking=1 "$DEB" > "$TMP/apt.log" 2>&1; then
    check "apt resolves the package's dependencies" grep -q "^Inst mcphost" "$TMP/apt.log"
  else
    cat "$TMP/apt.log" >&2
    check "apt-get install --simulate ./$(basename "$DEB")" false
  fi
fi

echo "--- unpack into a scratch root and run it"
ROOT="$TMP/root"
dpkg-deb -x "$DEB" "$ROOT"
HOST="$ROOT/usr/bin/mcp-host"
CONFIG="$ROOT/etc/mcphost/mcphost.yaml"
mkdir -p "$TMP/state"
echo "hello from the package test" > "$TMP/state/note.txt"
cd "$TMP/state"  # the unit's WorkingDirectory: the plugins' "." root
check "mcp-host --version" bash -c "'$HOST' --version | grep -q 'plugin ABI'"
out=$("$HOST" check-config "$CONFIG" 2>&1) && ok=1 || ok=0
echo "$out"
check "check-config accepts the packaged /etc/mcphost/mcphost.yaml" test "$ok" -eq 1
# The packaged runner is found beside the packaged host: every plugin loads
# isolated (without the runner, isolation: process fails to load a plugin).
MCPHOST_ISOLATION=process "$HOST" check-config "$CONFIG" > "$TMP/isolated.log" 2>&1 && ok=1 || ok=0
cat "$TMP/isolated.log"
check "check-config loads the packaged plugins in runner processes" \
  bash -c "test $ok -eq 1 && grep -q ': OK (' '$TMP/isolated.log'"

# No `timeout` wrapper: $! must be mcp-host itself (its /proc maps are read
# below); the EXIT trap and ctest's TIMEOUT bound it.
"$HOST" --config "$CONFIG" --listen 127.0.0.1:0 2> "$TMP/host.log" &
HOST_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(sed -n 's/^mcp-host: listening on \(http:\/\/[^/]*\).*/\1/p' "$TMP/host.log" | head -n1)
  [ -n "$URL" ] && break
  kill -0 "$HOST_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then
  cat "$TMP/host.log" >&2
  check "the unpacked mcp-host serves HTTP" false
else
  check "the running host mapped the unpacked plugins, not others" \
    grep -q "$ROOT/usr/lib/mcphost/plugins/libmcphost_filesystem.so" "/proc/$HOST_PID/maps"
  check "GET /health" bash -c "curl -fsS --max-time 10 '$URL/health' | grep -q ok"
  META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
  body="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_text_file\",\"arguments\":{\"path\":\"note.txt\"},$META}}"
  reply=$(curl -sS --max-time 20 -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
          -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: read_text_file' \
          --data "$body" "$URL/mcp" || true)
  echo "reply: ${reply:0:300}"
  check "a real tools/call reads a file through the packaged filesystem plugin" grep -q "hello from the package test" <<<"$reply"
  kill -TERM "$HOST_PID"
  status=0
  wait "$HOST_PID" || status=$?
  HOST_PID=
  check "SIGTERM ends it cleanly (status $status)" test "$status" -eq 0
fi
cd "$TMP"

echo "--- the systemd unit"
UNIT="$ROOT/usr/lib/systemd/system/mcphost.service"
for key in "ProtectSystem=strict" "NoNewPrivileges=yes" "DynamicUser=yes" "PrivateTmp=yes" "ProtectHome=yes" "CapabilityBoundingSet="; do
  check "the unit sets $key" grep -qx "$key" "$UNIT"
done
if command -v systemd-analyze > /dev/null && [ -d /usr/lib/systemd/system ]; then
  # verify resolves the unit's dependencies and ExecStart inside the root:
  # give it the system's targets, as an installed system would have them.
  for t in /usr/lib/systemd/system/*.target; do
    [ -e "$ROOT/usr/lib/systemd/system/$(basename "$t")" ] || cp "$t" "$ROOT/usr/lib/systemd/system/"
  done
  if systemd-analyze verify --man=no --root="$ROOT" "$UNIT" > "$TMP/verify.log" 2>&1; then
    check "systemd-analyze verify accepts the unit" true
  else
    cat "$TMP/verify.log" >&2
    check "systemd-analyze verify accepts the unit" false
  fi
  sed 's|^ExecStart=/usr/bin/mcp-host|ExecStart=/usr/bin/no-such-mcp-host|' "$UNIT" > "$ROOT/usr/lib/systemd/system/mcphost-broken.service"
  check "systemd-analyze verify refuses a broken copy (negative control)" \
    bash -c "! systemd-analyze verify --man=no --root='$ROOT' '$ROOT/usr/lib/systemd/system/mcphost-broken.service' > /dev/null 2>&1"
  rm -f "$ROOT/usr/lib/systemd/system/mcphost-broken.service"
  score=$(systemd-analyze security --offline=yes --root="$ROOT" "$UNIT" 2>/dev/null |
          sed -n 's/.*Overall exposure level for mcphost.service: \([0-9.]*\).*/\1/p')
  echo "systemd exposure score: ${score:-?} (0 = most sandboxed, 10 = none)"
  check "the sandbox's exposure score is 2.0 or lower" awk -v s="${score:-10}" 'BEGIN { exit !(s <= 2.0) }'
else
  echo "skip: systemd-analyze is not available"
fi

if [ "$failures" -ne 0 ]; then
  echo "--- host log:" >&2
  cat "$TMP/host.log" >&2 2>/dev/null || true
  echo "package test: $failures check(s) failed" >&2
  exit 1
fi
echo "package test: all checks passed"
