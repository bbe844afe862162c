#!/usr/bin/env bash
# node_check.sh SHIPPING_SRC WORK_DIR SCRIPT.mjs [ARGS...]
#
# Runs one of this folder's Node.js checks with its npm packages
# (package-lock.json: dockerfile-ast, kubernetes-models, yaml). Uses
# SHIPPING_SRC/node_modules when it is there and current; otherwise installs
# them once into WORK_DIR with `npm ci` (again only when the lock changes),
# and runs a copy of the script from there (ES modules resolve packages next
# to the script, not through NODE_PATH).
set -euo pipefail
SRC=${1:?usage: node_check.sh SHIPPING_SRC WORK_DIR SCRIPT.mjs [ARGS...]}
WORK=${2:?}
SCRIPT=${3:?}
shift 3

lock_hash=$(sha256sum "$SRC/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$SRC/node_modules/.mcphost-lock-sha256" 2>/dev/null || true)" = "$lock_hash" ] ||
   { [ -d "$SRC/node_modules/dockerfile-ast" ] && [ -d "$SRC/node_modules/kubernetes-models" ] && [ -d "$SRC/node_modules/yaml" ]; }; then
  exec node "$SRC/$SCRIPT" "$@"
fi
mkdir -p "$WORK"
if [ "$(cat "$WORK/node_modules/.mcphost-lock-sha256" 2>/dev/null || true)" != "$lock_hash" ]; then
  cp "$SRC/package.json" "$SRC/package-lock.json" "$WORK/"
  (cd "$WORK" && flock "$WORK/package.json" npm ci --no-audit --no-fund --loglevel=error) >&2
  echo "$lock_hash" > "$WORK/node_modules/.mcphost-lock-sha256"
fi
cp "$SRC/$SCRIPT" "$WORK/$SCRIPT"
exec node "$WORK/$SCRIPT" "$@"
