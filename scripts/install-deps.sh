#!/usr/bin/env bash
# install-deps.sh - installs what mcphost needs to build and test, from Debian 12
# packages, as root. Idempotent: it installs only what is missing, and runs
# apt-get update only when something is. Quiet unless something goes wrong.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(build-essential cmake pkg-config libboost-dev libboost-filesystem-dev rapidjson-dev
          libyaml-cpp-dev libspdlog-dev catch2 libcli11-dev libssl-dev libsqlite3-dev libpng-dev
          clang libclang-rt-14-dev
          python3-pandas python3-statsmodels
          chromium fonts-dejavu-core mingw-w64 yamllint curl file dpkg-dev)
# chromium (+ a font for its screenshot): the status page's browser test; mingw-w64: the Windows plugin
# cross-build; yamllint: the Kubernetes manifests; curl, file, dpkg-dev
# (dpkg-shlibdeps): the .deb test and CPack.
# Node.js runs the end-to-end tests with the official MCP SDK clients; a node
# installed outside dpkg (nvm, a tarball) is fine as it is.
if ! command -v node > /dev/null 2>&1 || ! command -v npm > /dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: missing packages: ${missing[*]}; run this script as root (or install them)" >&2
  exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps.sh: apt-get failed" >&2
  exit 1
fi
