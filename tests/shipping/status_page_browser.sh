#!/usr/bin/env bash
# status_page_browser.sh MCP_HOST PLUGIN_DIR ARTIFACT_DIR
#
# The operator status page as a person sees it: starts mcp-host over HTTP with
# server.http.status_page on, renders GET / in headless Chromium (Debian's
# chromium, --dump-dom), makes MCP calls with curl, renders it again, and
# checks that the page lists the loaded plugin with its version and that the
# request count moved by the calls made. Keeps a screenshot
# (ARTIFACT_DIR/status_page.png) and both DOM dumps as artifacts.
# Bounded: every chromium run and the host itself are under `timeout`.
set -euo pipefail

HOST=${1:?usage: status_page_browser.sh MCP_HOST PLUGIN_DIR ARTIFACT_DIR}
PLUGIN_DIR=${2:?}
ART=${3:?}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
  echo "FAIL: chromium is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
mkdir -p "$ART"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-browser-test.XXXXXX")
HOST_PID=
cleanup() {
  if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

cat > "$TMP/mcphost.yaml" <<YAML
server:
  name: browser-test
  transport: http
  http:
    listen: "127.0.0.1:0"
    status_page: true
plugin_dirs: ["$PLUGIN_DIR"]
plugins:
  - name: echo
YAML

timeout 300 "$HOST" --config "$TMP/mcphost.yaml" 2> "$TMP/host.log" &
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
  echo "FAIL: mcp-host did not start listening" >&2
  exit 1
fi
echo "host at $URL"

# Chromium as root needs --no-sandbox; a profile of its own keeps runs apart.
chrome() {
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --disable-extensions --disable-background-networking --user-data-dir="$TMP/profile" "$@" 2>> "$TMP/chromium.log"
}
render() {  # render OUT: the DOM Chromium built from GET /
  if ! chrome --dump-dom "$URL/" > "$1"; then
    tail -n 30 "$TMP/chromium.log" >&2
    echo "FAIL: chromium --dump-dom" >&2
    exit 1
  fi
}
figure() {  # figure ID FILE: the number in <dd id="ID">
  sed -n "s/.*<dd id=\"$1\">\([0-9.]*\)<\/dd>.*/\1/p" "$2" | head -n1
}
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}

render "$ART/status_page_before.html"
before=$(figure requests-total "$ART/status_page_before.html")
echo "requests before: ${before:-none}"
check "the rendered page has a request count" test -n "$before"
check "the rendered page lists the echo plugin (id and version)" \
  grep -q "<td>dev.mcphost.echo</td>" "$ART/status_page_before.html"
check "the plugin's version is shown" grep -q "<td>1.0.0</td>" "$ART/status_page_before.html"
check "the plugin is healthy" grep -q '<span class="badge ok">ok</span>' "$ART/status_page_before.html"
check "the catalog lists echo__echo" grep -q "<td>echo__echo</td>" "$ART/status_page_before.html"

META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
calls=5
for i in $(seq 1 $calls); do
  body="{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":{\"name\":\"echo__echo\",\"arguments\":{\"text\":\"call $i\"},$META}}"
  out=$(curl -sS --max-time 20 -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: echo__echo' \
        --data "$body" "$URL/mcp")
  check "tools/call $i answered" grep -q "call $i" <<<"$out"
done

render "$ART/status_page_after.html"
after=$(figure requests-total "$ART/status_page_after.html")
echo "requests after: ${after:-none}"
check "the request count moved by the $calls calls (before $before, after $after)" \
  test "${after:-0}" -eq $((${before:-0} + calls))
check "the echo__echo row counts $calls calls" \
  grep -q "<td>echo__echo</td><td>echo</td><td>[^<]*</td><td>$calls</td><td>0</td>" "$ART/status_page_after.html"
check "tools/call appears in the requests table" grep -q "<td>tools/call</td><td>modern</td><td>$calls</td>" "$ART/status_page_after.html"

if chrome --screenshot="$ART/status_page.png" --window-size=1280,1800 --hide-scrollbars "$URL/" > /dev/null; then
  check "the screenshot is a PNG" bash -c "head -c 8 '$ART/status_page.png' | od -An -tx1 | grep -q '89 50 4e 47'"
else
  tail -n 30 "$TMP/chromium.log" >&2
  check "chromium --screenshot" false
fi
echo "artifacts: $ART/status_page.png, status_page_before.html, status_page_after.html"

# A clean exit (SIGTERM drains): under ASan this also reports leaks and errors.
kill -TERM "$HOST_PID"
status=0
wait "$HOST_PID" || status=$?
HOST_PID=
check "the host exits cleanly on SIGTERM (status $status)" test "$status" -eq 0

if [ "$failures" -ne 0 ]; then
  echo "--- host log:" >&2
  cat "$TMP/host.log" >&2
  echo "browser test: $failures check(s) failed" >&2
  exit 1
fi
echo "browser test: all checks passed"
