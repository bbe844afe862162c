# Packaging.cmake - what the .deb holds beyond the normal install, and the
# CPack settings that make it (cpack -G DEB in a build folder):
#   /usr/bin/mcp-host, /usr/lib/mcphost/plugins/*.so   (the normal install)
#   /usr/include/mcphost, /usr/lib/cmake/mcphost       (plugin authors)
#   /etc/mcphost/mcphost.yaml, mcphost.env              (conffiles)
#   /usr/lib/systemd/system/mcphost.service             (sandboxed unit)
#   /usr/share/doc/mcphost/                             (README, docs)
# tests/shipping/deb_package.sh checks the result.

# /etc files: GNUInstallDirs' rule, applied at install time, so a scratch
# `cmake --install --prefix DIR` puts them under DIR/etc while the package
# (installed with prefix /usr, under DESTDIR) gets the real /etc. file(INSTALL)
# adds DESTDIR to an absolute destination itself.
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_mcphost_etc "/etc/mcphost")
  else()
    set(_mcphost_etc "${CMAKE_INSTALL_PREFIX}/etc/mcphost")
  endif()
]])
install(CODE "set(_mcphost_packaging \"${PROJECT_SOURCE_DIR}/packaging\")")
install(CODE [[
  file(INSTALL "${_mcphost_packaging}/mcphost.yaml" DESTINATION "${_mcphost_etc}"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  file(INSTALL "${_mcphost_packaging}/mcphost.env" DESTINATION "${_mcphost_etc}"
       PERMISSIONS OWNER_READ OWNER_WRITE)
]])
install(FILES ${PROJECT_SOURCE_DIR}/packaging/mcphost.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/configuration.md
              ${PROJECT_SOURCE_DIR}/docs/plugin-abi.md ${PROJECT_SOURCE_DIR}/docs/plugin-guide.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "mcphost")
set(CPACK_PACKAGE_VENDOR "mcphost")
set(CPACK_PACKAGE_CONTACT "mcphost maintainers <mcphost@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MCP server runtime hosting C-ABI plugins")
set(CPACK_PACKAGE_DESCRIPTION
    "mcp-host serves the tools, resources and prompts of plugins (shared libraries written\
 against a small, versioned C ABI) to Model Context Protocol clients over stdio or\
 Streamable HTTP. The package holds the host, the first-party plugins, the plugin\
 headers with their CMake package, a default configuration and a sandboxed systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Debug info out, symbol tables kept (see PackagingStrip.cmake for why).
set(CPACK_STRIP_FILES OFF)
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/PackagingStrip.cmake")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mcphost_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Library dependencies from the binaries (dpkg-shlibdeps), plus systemd's
# tools are not required: the unit is inert without systemd.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# mcp-host opens libcrypto.so.3 itself (host/src/util/libcrypto.h), which
# dpkg-shlibdeps cannot see; CPack adds the computed dependencies to this.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libssl3 (>= 3.0.0)")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
# /etc files are the administrator's: dpkg keeps their edits on upgrade.
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "/etc/mcphost/mcphost.yaml\n/etc/mcphost/mcphost.env\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${PROJECT_BINARY_DIR}/packaging/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
