// elf_exports.h - whether a file is a shared library of this machine that
// exports a given function, read from its dynamic symbol table (.dynsym)
// without loading it.
//
// Why not Boost.DLL's library_info: it reads .symtab, which `strip` removes
// (so every distro-packaged plugin would look like "not a plugin"), and it
// trusts the offsets in the file. This reads .dynsym - what the dynamic
// loader itself uses - and checks every offset against the file's size, so
// a truncated or hostile file is refused, never read out of bounds.
// Errors as values; no exceptions. Linux/ELF only (Windows uses PE exports).
#pragma once

#include <string>
#include <string_view>

namespace mcph {

enum class ElfExport {
  kFound,      // a shared library for this machine, exporting the function
  kMissing,    // a shared library for this machine, without it
  kNotLoadable // not an ELF shared library for this machine; `why` says what
};

ElfExport FindElfExport(const std::string& path, std::string_view function, std::string& why);

}  // namespace mcph
