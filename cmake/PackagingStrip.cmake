# PackagingStrip.cmake - a CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS):
# strips debug information from the staged ELF files but keeps their symbol
# tables. Not CPACK_STRIP_FILES (strip --strip-all): mcp-host finds a
# plugin's entry symbol through Boost.DLL's library_info, which in Boost 1.74
# reads the .symtab section only, so a fully stripped plugin is refused as
# "not an mcphost plugin".
find_program(MCPHOST_OBJCOPY NAMES objcopy REQUIRED)
file(GLOB_RECURSE _files LIST_DIRECTORIES false "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(f IN LISTS _files)
  if(IS_SYMLINK "${f}")
    continue()
  endif()
  file(READ "${f}" _magic LIMIT 4 HEX)
  if(_magic STREQUAL "7f454c46")  # "\x7fELF"
    execute_process(COMMAND "${MCPHOST_OBJCOPY}" --strip-debug "${f}" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "objcopy --strip-debug ${f} failed (${_rc})")
    endif()
  endif()
endforeach()
