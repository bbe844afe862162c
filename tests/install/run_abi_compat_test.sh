#!/usr/bin/env bash
# run_abi_compat_test.sh CC MCP_HOST FROZEN_DIR CURRENT_INCLUDE_DIR
#
# ABI compatibility: a plugin compiled against the frozen first ABI 1 header
# (FROZEN_DIR/mcphost/mcp_plugin.h; its descriptors and result table are
# shorter than today's) loads into today's mcp-host, and its tool, prompt and
# resource template work. The compile sees only the frozen header.
set -euo pipefail

CC=${1:?usage: run_abi_compat_test.sh CC MCP_HOST FROZEN_DIR CURRENT_INCLUDE_DIR}
HOST=${2:?}
FROZEN=${3:?}
CURRENT=${4:?}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-abi-compat.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}

# The test means something only while the frozen header really is older.
check "the frozen header predates the completion callbacks" \
  bash -c "! grep -q mcpp_complete_fn '$FROZEN/mcphost/mcp_plugin.h' && grep -q mcpp_complete_fn '$CURRENT/mcphost/mcp_plugin.h'"

PLUGIN="$TMP/libfirst_abi.so"
if ! "$CC" -std=c99 -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden -I"$FROZEN" \
     "$FROZEN/first_abi_plugin.c" -o "$PLUGIN" 2> "$TMP/cc.log"; then
  cat "$TMP/cc.log" >&2
  echo "FAIL: compiling the plugin against the frozen header" >&2
  exit 1
fi
echo "ok: built $PLUGIN against $FROZEN"

if out=$("$HOST" inspect "$PLUGIN" 2> "$TMP/inspect.err"); then
  check "inspect lists the tool, the prompt and the template, with nothing refused" node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const t = JSON.stringify(d);
    for (const s of ["v1_echo", "v1_prompt", "v1://{name}"]) if (!t.includes(s)) { console.error("missing " + s); process.exit(1); }
    if (t.includes("refused") || (d.rejections && d.rejections.length)) { console.error(t); process.exit(1); }' <<<"$out"
else
  cat "$TMP/inspect.err" >&2
  check "inspect the frozen-header plugin" false
fi

cat > "$TMP/mcphost.yaml" <<YAML
plugins:
  - path: $PLUGIN
YAML
INPUT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"abi-compat","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"first_abi__v1_echo","arguments":{"text":"old"}}}
{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"first_abi__v1_prompt","arguments":{"topic":"ABIs"}}}
{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"v1://thing"}}
{"jsonrpc":"2.0","id":5,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"first_abi__v1_prompt"},"argument":{"name":"topic","value":"A"}}}'
status=0
printf '%s\n' "$INPUT" | timeout 60 "$HOST" --config "$TMP/mcphost.yaml" > "$TMP/stdout" 2> "$TMP/stderr" || status=$?
cat "$TMP/stdout"
check "the host exits 0 (status $status)" test "$status" -eq 0
check "today's host serves the old plugin's tool, prompt and template" node -e '
  const msgs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const by = Object.fromEntries(msgs.filter((m) => m.id !== undefined).map((m) => [m.id, m]));
  const fail = (w) => { console.error(w); process.exit(1); };
  if (by[2]?.result?.content?.[0]?.text !== "v1:{\"text\":\"old\"}") fail("tool: " + JSON.stringify(by[2]));
  const msg = by[3]?.result?.messages?.[0];
  if (msg?.role !== "user" || msg?.content?.text !== "Tell me about {\"topic\":\"ABIs\"}") fail("prompt: " + JSON.stringify(by[3]));
  const c = by[4]?.result?.contents?.[0];
  if (c?.uri !== "v1://thing" || c?.text !== "v1 resource {\"name\":\"thing\"}") fail("resource: " + JSON.stringify(by[4]));
  // The old descriptor has no complete slot: the host must read it as absent (no values), not as garbage.
  const values = by[5]?.result?.completion?.values;
  if (!Array.isArray(values) || values.length !== 0) fail("completion: " + JSON.stringify(by[5]));' "$TMP/stdout"

if [ "$failures" -ne 0 ]; then
  cat "$TMP/stderr" >&2 || true
  echo "abi compat test: $failures check(s) failed" >&2
  exit 1
fi
echo "abi compat test: all checks passed"
