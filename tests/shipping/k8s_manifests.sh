#!/usr/bin/env bash
# k8s_manifests.sh SOURCE_DIR WORK_DIR MCP_HOST
#
# deploy/kubernetes, checked without a cluster: yamllint (Debian's), the
# OpenAPI schema validation and cross-references of k8s_validate.mjs, a
# negative control (a copy with a schema error must be refused), and the
# ConfigMap's mcphost.yaml through `mcp-host check-config` (with its data
# root pointed at a scratch folder).
set -euo pipefail
SRC=${1:?usage: k8s_manifests.sh SOURCE_DIR WORK_DIR MCP_HOST}
WORK=${2:?}
HOST=${3:?}
HERE="$SRC/tests/shipping"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-k8s.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}
if ! command -v yamllint > /dev/null; then
  echo "FAIL: yamllint is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi

check "yamllint deploy/kubernetes and packaging/mcphost.yaml" \
  yamllint -s -c "$HERE/yamllint.yaml" "$SRC/deploy/kubernetes" "$SRC/packaging/mcphost.yaml"
check "schema and cross-reference checks" \
  bash "$HERE/node_check.sh" "$HERE" "$WORK" k8s_validate.mjs "$SRC/deploy/kubernetes" "$TMP/mcphost.yaml"

# Negative control: the same manifests with one schema error must fail.
cp -r "$SRC/deploy/kubernetes" "$TMP/broken"
sed -i 's/containerPort: 8080/containerPort: "eighty-eighty"/' "$TMP/broken/deployment.yaml"
check "a manifest with a schema error is refused" \
  bash -c "! bash '$HERE/node_check.sh' '$HERE' '$WORK' k8s_validate.mjs '$TMP/broken' > '$TMP/broken.log' 2>&1 && grep -q 'containerPort must be integer' '$TMP/broken.log'"

# The ConfigMap's config is one mcp-host accepts.
mkdir -p "$TMP/data"
sed -i "s|\"/data\"|\"$TMP/data\"|g" "$TMP/mcphost.yaml"
out=$(MCPHOST_TOKEN=test-token MCPHOST_REQUEST_STATE_KEY=0123456789abcdef0123456789abcdef \
      "$HOST" check-config "$TMP/mcphost.yaml" 2>&1) && ok=1 || ok=0
echo "$out"
check "mcp-host check-config accepts the ConfigMap's mcphost.yaml" test "$ok" -eq 1

if [ "$failures" -ne 0 ]; then
  echo "kubernetes test: $failures check(s) failed" >&2
  exit 1
fi
echo "kubernetes test: all checks passed"
