#!/usr/bin/env bash
# run_leg.sh LEG - runs one leg of the official MCP conformance suite against
# mcp-host over Streamable HTTP on loopback, and exits with the suite's exit
# code. LEG is one of:
#   2025-11-25  @modelcontextprotocol/conformance 0.2.0-alpha.12, --requirements 2025-11-25
#   2026-07-28  @modelcontextprotocol/conformance 0.2.0-alpha.12, --requirements 2026-07-28
#   0.1.16      @modelcontextprotocol/conformance 0.1.16, default (active) suite
# A leg with an expected-failures-<LEG>.yaml passes it as --expected-failures:
# the suite then fails on an unexpected failure and also on a stale entry (a
# listed scenario that now passes), so remove entries as the host gains
# features. A leg without one (2025-11-25 and 0.1.16 today) must pass whole.
# Scenarios the suite runs but does not score (extensions, pending) are held
# to expected-unscored-failures-<LEG>.txt the same way (both directions).
#
# Environment:
#   MCPHOST_BIN                 mcp-host binary (required)
#   MCPHOST_CONFORMANCE_CONFIG  config serving the conformance plugin
#                               (default: config/conformance.yaml of this tree)
#   MCPHOST_CONFORMANCE_OUT     keep the results (-o) in this folder instead of
#                               a temporary one that is removed afterwards
#   MCPHOST_CONFORMANCE_TIMEOUT seconds for the whole suite run (default 300)
#   MCPHOST_CONFORMANCE_VERBOSE=1  pass --verbose (checks printed as JSON)
# The suites and a Node 22 (they need Node >= 22) come from node_modules here:
# install them with `(cd tests/conformance && npm ci)`, as scripts/test.sh does.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

die() { echo "run_leg.sh: $*" >&2; exit 2; }

[ $# -eq 1 ] || die "usage: run_leg.sh 2025-11-25|2026-07-28|0.1.16"
LEG=$1
case "$LEG" in
  2025-11-25|2026-07-28)
    SUITE_PKG=conformance-0.2
    SUITE_ARGS=(--requirements "$LEG") ;;
  0.1.16)
    SUITE_PKG=conformance-0.1
    SUITE_ARGS=() ;;
  *) die "unknown leg '$LEG' (expected 2025-11-25, 2026-07-28 or 0.1.16)" ;;
esac

NODE22=$HERE/node_modules/node/bin/node
SUITE_CLI=$HERE/node_modules/$SUITE_PKG/dist/index.js
BASELINE=$HERE/expected-failures-$LEG.yaml
if [ ! -x "$NODE22" ] || [ ! -f "$SUITE_CLI" ]; then
  die "the conformance suites are not installed in tests/conformance/node_modules (missing ${NODE22#"$HERE"/} or ${SUITE_CLI#"$HERE"/}): run (cd tests/conformance && npm ci), as scripts/test.sh does"
fi
node_major=$("$NODE22" -p 'process.versions.node.split(".")[0]' 2>/dev/null) || node_major=
[ "$node_major" = 22 ] || die "$NODE22 is not Node 22 (got '${node_major}'): run (cd tests/conformance && npm ci)"
baseline_args=()
[ -f "$BASELINE" ] && baseline_args=(--expected-failures "$BASELINE")

BIN=${MCPHOST_BIN:-}
[ -n "$BIN" ] || die "MCPHOST_BIN is not set (path to the mcp-host binary)"
[ -x "$BIN" ] || die "MCPHOST_BIN=$BIN is not an executable"
CONFIG=${MCPHOST_CONFORMANCE_CONFIG:-$ROOT/config/conformance.yaml}
[ -f "$CONFIG" ] || die "MCPHOST_CONFORMANCE_CONFIG=$CONFIG does not exist"
LEG_TIMEOUT=${MCPHOST_CONFORMANCE_TIMEOUT:-300}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-conformance-$LEG.XXXXXX") || die "mktemp failed"
OUT=${MCPHOST_CONFORMANCE_OUT:-$WORK/results}
mkdir -p "$OUT"
HOST_ERR=$WORK/host.stderr
HOST_PID=

# SIGTERM, then wait (the host drains for up to its grace period); SIGKILL
# after 15 s. Sets HOST_STATUS to the host's exit status.
HOST_STATUS=
stop_host() {
  [ -n "$HOST_PID" ] || return 0
  if kill -0 "$HOST_PID" 2>/dev/null; then
    kill -TERM "$HOST_PID" 2>/dev/null
    for _ in $(seq 1 150); do
      kill -0 "$HOST_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$HOST_PID" 2>/dev/null; then
      echo "run_leg.sh: mcp-host (pid $HOST_PID) ignored SIGTERM for 15 s: SIGKILL" >&2
      kill -KILL "$HOST_PID" 2>/dev/null
    fi
  fi
  wait "$HOST_PID" 2>/dev/null
  HOST_STATUS=$?
  HOST_PID=
}
cleanup() {
  stop_host
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# Start the host on an ephemeral loopback port and read the port from its
# "mcp-host: listening on http://HOST:PORT/PATH" line on stderr.
"$BIN" --config "$CONFIG" --transport http --listen 127.0.0.1:0 2>"$HOST_ERR" </dev/null >/dev/null &
HOST_PID=$!
URL=
for _ in $(seq 1 200); do   # up to 20 s
  URL=$(sed -n 's|^mcp-host: listening on \(http://[^ ]*\).*$|\1|p' "$HOST_ERR" | head -n1)
  [ -n "$URL" ] && break
  if ! kill -0 "$HOST_PID" 2>/dev/null; then
    stop_host
    echo "run_leg.sh: mcp-host exited (status $HOST_STATUS) before listening; its stderr:" >&2
    cat "$HOST_ERR" >&2
    exit 2
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "run_leg.sh: mcp-host printed no 'listening on' line within 20 s; its stderr:" >&2
  cat "$HOST_ERR" >&2
  exit 2
fi
case "$URL" in
  http://127.0.0.1:*) ;;
  *) echo "run_leg.sh: mcp-host listens on $URL, not on 127.0.0.1" >&2; exit 2 ;;
esac

echo "== conformance leg $LEG: $SUITE_PKG ($("$NODE22" "$SUITE_CLI" --version)) on Node $("$NODE22" --version), ${SUITE_ARGS[*]:-active suite}"
if [ -f "$BASELINE" ]; then
  echo "== server $URL (mcp-host pid $HOST_PID), expected failures ${BASELINE#"$ROOT"/}"
else
  echo "== server $URL (mcp-host pid $HOST_PID), no expected failures"
fi

verbose=()
[ "${MCPHOST_CONFORMANCE_VERBOSE:-0}" = 1 ] && verbose=(--verbose)

# Node 22 first on PATH, as npx would do, for anything the suite spawns.
# Run from $WORK so nothing is written into the source tree.
SUITE_OUT=$WORK/suite.out
( cd "$WORK" && PATH="$HERE/node_modules/.bin:$PATH" \
    timeout --kill-after=10 "$LEG_TIMEOUT" \
    "$NODE22" "$SUITE_CLI" server --url "$URL" "${SUITE_ARGS[@]}" \
      "${baseline_args[@]}" -o "$OUT" "${verbose[@]}" ) 2>&1 | tee "$SUITE_OUT"
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "run_leg.sh: leg $LEG timed out after ${LEG_TIMEOUT} s" >&2
fi

# The suite does not score extension and pending scenarios ("Not scored
# ..."), so a regression there passes unnoticed: hold them to
# expected-unscored-failures-<LEG>.txt (one scenario per line), both ways.
UNSCORED=$HERE/expected-unscored-failures-$LEG.txt
if [ "$status" -eq 0 ] && grep -q '^Not scored' "$SUITE_OUT"; then
  section=$(sed -n '/^Not scored/,$p' "$SUITE_OUT")
  failing=$(sed -n 's/^ *✗ \([^ ]*\).*/\1/p' <<<"$section" | sort -u)
  passing=$(sed -n 's/^ *✓ \([^ ]*\).*/\1/p' <<<"$section" | sort -u)
  expected=
  [ -f "$UNSCORED" ] && expected=$(grep -v '^[[:space:]]*#' "$UNSCORED" | sed '/^[[:space:]]*$/d' | sort -u)
  unexpected=$(comm -23 <(echo "$failing") <(echo "$expected") | sed '/^$/d')
  stale=$(comm -12 <(echo "$passing") <(echo "$expected") | sed '/^$/d')
  if [ -n "$unexpected" ]; then
    echo "run_leg.sh: unscored scenarios failed that ${UNSCORED#"$ROOT"/} does not expect:" $unexpected >&2
    status=1
  fi
  if [ -n "$stale" ]; then
    echo "run_leg.sh: unscored scenarios now pass: remove them from ${UNSCORED#"$ROOT"/}:" $stale >&2
    status=1
  fi
fi

host_died=0
kill -0 "$HOST_PID" 2>/dev/null || host_died=1
stop_host
echo "== mcp-host stopped (exit status $HOST_STATUS)"
if [ "$host_died" = 1 ]; then
  echo "run_leg.sh: mcp-host died during the leg (status $HOST_STATUS); its stderr:" >&2
  tail -n 50 "$HOST_ERR" >&2
  [ "$status" -eq 0 ] && status=1
elif [ "$HOST_STATUS" -ne 0 ] && [ "$HOST_STATUS" -ne 143 ]; then
  # 143 = ended by the SIGTERM sent above; anything else is a crash.
  echo "run_leg.sh: mcp-host exited with status $HOST_STATUS after SIGTERM; its stderr:" >&2
  tail -n 50 "$HOST_ERR" >&2
  [ "$status" -eq 0 ] && status=1
fi
if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$HOST_ERR"; then
  echo "run_leg.sh: sanitizer report in mcp-host's stderr:" >&2
  grep -A30 -E 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$HOST_ERR" | head -n 80 >&2
  [ "$status" -eq 0 ] && status=1
fi

echo "== conformance leg $LEG: exit $status"
exit "$status"
