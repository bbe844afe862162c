#!/usr/bin/env bash
# run-host.sh - installs the dependencies, builds mcphost (RelWithDebInfo in build/, shared with test.sh)
# and runs the host with config/mcphost.yaml over stdio. Extra arguments go to
# mcp-host. stdout carries the MCP protocol, so every build message goes to
# stderr.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/install-deps.sh 1>&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCPHOST_SANITIZE=OFF 1>&2
cmake --build build -j2 --target mcp-host mcphost_echo 1>&2
exec build/bin/mcp-host --config config/mcphost.yaml "$@"
