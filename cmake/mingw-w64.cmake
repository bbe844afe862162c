# mingw-w64.cmake - a CMake toolchain file for building plugins as Windows
# DLLs with Debian's mingw-w64 cross compilers (apt-get install mingw-w64).
#
#   cmake -S examples/c -B build-win -DCMAKE_TOOLCHAIN_FILE=<mcphost>/cmake/mingw-w64.cmake \
#         -DCMAKE_PREFIX_PATH=<an installed mcphost prefix>      # -DMINGW_ARCH=i686 for 32-bit
#
# Only the plugin ABI package is needed from the prefix: it is headers only
# and architecture-independent, so a Linux install of mcphost serves.
set(CMAKE_SYSTEM_NAME Windows)
if(NOT MINGW_ARCH)
  set(MINGW_ARCH x86_64)
endif()
set(CMAKE_SYSTEM_PROCESSOR ${MINGW_ARCH})
set(CMAKE_C_COMPILER ${MINGW_ARCH}-w64-mingw32-gcc)
set(CMAKE_CXX_COMPILER ${MINGW_ARCH}-w64-mingw32-g++)
set(CMAKE_RC_COMPILER ${MINGW_ARCH}-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_ARCH}-w64-mingw32)
# Programs from the build machine; libraries and headers from the target's
# root; CMake packages from either (mcphost's is architecture-independent).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
