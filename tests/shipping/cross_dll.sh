#!/usr/bin/env bash
# cross_dll.sh CMAKE BUILD_DIR SOURCE_DIR
#
# Windows plugin authors: install BUILD_DIR into a scratch prefix, then
# cross-compile examples/c against that installed package into a DLL with
# Debian's mingw-w64 (cmake/mingw-w64.cmake), for x86-64 and for 32-bit x86,
# and check with objdump -p that the DLL exports the entry symbol
# mcpp_plugin_negotiate and nothing else. On 32-bit x86 the undecorated
# export name proves the __cdecl calling convention (__stdcall would export
# mcpp_plugin_negotiate@4).
set -euo pipefail

CMAKE=${1:?usage: cross_dll.sh CMAKE BUILD_DIR SOURCE_DIR}
BUILD_DIR=${2:?}
SRC=${3:?}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcphost-cross.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}
for arch in x86_64 i686; do
  if ! command -v "$arch-w64-mingw32-gcc" > /dev/null; then
    echo "FAIL: $arch-w64-mingw32-gcc is not installed (scripts/install-deps.sh installs mingw-w64)" >&2
    exit 1
  fi
done

if ! "$CMAKE" --install "$BUILD_DIR" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1; then
  cat "$TMP/install.log" >&2
  echo "FAIL: cmake --install" >&2
  exit 1
fi

for arch in x86_64 i686; do
  echo "--- examples/c for Windows $arch"
  B="$TMP/build-$arch"
  if ! "$CMAKE" -S "$SRC/examples/c" -B "$B" -DCMAKE_BUILD_TYPE=Release -DMINGW_ARCH=$arch \
       -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/mingw-w64.cmake" -DCMAKE_PREFIX_PATH="$TMP/prefix" \
       > "$TMP/configure-$arch.log" 2>&1 || ! "$CMAKE" --build "$B" -j1 > "$TMP/build-$arch.log" 2>&1; then
    cat "$TMP/configure-$arch.log" "$TMP/build-$arch.log" >&2 2>/dev/null || true
    check "cross-build examples/c for $arch" false
    continue
  fi
  DLL="$B/hello_c.dll"
  check "$arch: hello_c.dll was built" test -f "$DLL"
  check "$arch: built against the installed package" grep -q "mcphost_DIR:PATH=$TMP/prefix/lib/cmake/mcphost" "$B/CMakeCache.txt"
  objdump_out=$("$arch-w64-mingw32-objdump" -p "$DLL")
  want=$([ $arch = x86_64 ] && echo "pei-x86-64" || echo "pei-i386")
  check "$arch: a PE DLL ($want)" grep -q "file format $want" <<<"$objdump_out"
  exports=$(sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' <<<"$objdump_out" | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p')
  echo "$arch exports: $exports"
  check "$arch: exports exactly mcpp_plugin_negotiate (undecorated: __cdecl)" test "$exports" = "mcpp_plugin_negotiate"
done

# Negative control: the same plugin with MCPP_CALL forced to __stdcall must
# export a decorated name on 32-bit x86, so the check above can tell.
mkdir -p "$TMP/stdcall/mcphost"
sed 's/#define MCPP_CALL __cdecl/#define MCPP_CALL __stdcall/' "$TMP/prefix/include/mcphost/mcp_plugin.h" \
  > "$TMP/stdcall/mcphost/mcp_plugin.h"
if i686-w64-mingw32-gcc -shared -I"$TMP/stdcall" "$SRC/examples/c/hello.c" -o "$TMP/stdcall.dll" 2> "$TMP/stdcall.log"; then
  check "negative control: a __stdcall build exports mcpp_plugin_negotiate@4" \
    grep -q '\] mcpp_plugin_negotiate@4$' <(i686-w64-mingw32-objdump -p "$TMP/stdcall.dll")
else
  cat "$TMP/stdcall.log" >&2
  check "negative control: build with __stdcall" false
fi

if [ "$failures" -ne 0 ]; then
  echo "cross test: $failures check(s) failed" >&2
  exit 1
fi
echo "cross test: all checks passed"
