// elf_exports.cpp - see elf_exports.h.
#include "plugins/elf_exports.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>  // ElfW: the native ELF class
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

namespace mcph {
namespace {

using Ehdr = ElfW(Ehdr);
using Shdr = ElfW(Shdr);
using Sym = ElfW(Sym);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kNativeData = ELFDATA2LSB;
#else
constexpr unsigned char kNativeData = ELFDATA2MSB;
#endif
constexpr unsigned char kNativeClass = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;

// The e_machine of this process's own executable (read once).
uint16_t NativeMachine() {
  static const uint16_t machine = [] {
    std::ifstream self("/proc/self/exe", std::ios::binary);
    Ehdr h{};
    if (!self.read(reinterpret_cast<char*>(&h), sizeof h)) return uint16_t{EM_NONE};
    return static_cast<uint16_t>(h.e_machine);
  }();
  return machine;
}

// A read-only private mapping of a whole file. Mapped, not read: only the
// pages the checks touch (headers, .dynsym, .dynstr) are faulted in, so a
// 15 MB plugin with debug info costs a few pages instead of a 15 MB copy
// (which was most of the host's start-up time and peak RSS).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      size_ = static_cast<uint64_t>(st.st_size);
      ok_ = true;
      if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
          ok_ = false;
          size_ = 0;
        } else {
          data_ = static_cast<const char*>(p);
        }
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  bool ok() const { return ok_; }
  const char* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  uint64_t size_ = 0;
  bool ok_ = false;
};

// Whether [offset, offset + count * size) lies inside a file of `total` bytes.
bool Within(uint64_t total, uint64_t offset, uint64_t count, uint64_t size) {
  if (offset > total || size == 0) return count == 0 && offset <= total;
  return count <= (total - offset) / size;
}

}  // namespace

ElfExport FindElfExport(const std::string& path, std::string_view function, std::string& why) {
  const MappedFile bytes(path);
  if (!bytes.ok()) {
    why = "cannot be read";
    return ElfExport::kNotLoadable;
  }
  const uint64_t size = bytes.size();
  Ehdr h{};
  if (size < sizeof h || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    why = "not an ELF file";
    return ElfExport::kNotLoadable;
  }
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.e_ident[EI_CLASS] != kNativeClass || h.e_ident[EI_DATA] != kNativeData ||
      (NativeMachine() != EM_NONE && h.e_machine != NativeMachine())) {
    why = "built for another architecture";
    return ElfExport::kNotLoadable;
  }
  if (h.e_type != ET_DYN) {
    why = "an ELF file, but not a shared library";
    return ElfExport::kNotLoadable;
  }
  if (h.e_shentsize != sizeof(Shdr) || !Within(size, h.e_shoff, h.e_shnum, sizeof(Shdr))) {
    why = "its section headers are missing or truncated";
    return ElfExport::kNotLoadable;
  }
  auto section = [&](size_t i) {
    Shdr s{};
    std::memcpy(&s, bytes.data() + h.e_shoff + i * sizeof(Shdr), sizeof s);
    return s;
  };
  for (size_t i = 0; i < h.e_shnum; ++i) {
    const Shdr dynsym = section(i);
    if (dynsym.sh_type != SHT_DYNSYM) continue;
    if (dynsym.sh_entsize != sizeof(Sym) || dynsym.sh_link >= h.e_shnum ||
        !Within(size, dynsym.sh_offset, dynsym.sh_size / sizeof(Sym), sizeof(Sym))) {
      why = "its dynamic symbol table is malformed";
      return ElfExport::kNotLoadable;
    }
    const Shdr strtab = section(dynsym.sh_link);
    if (strtab.sh_type != SHT_STRTAB || !Within(size, strtab.sh_offset, strtab.sh_size, 1)) {
      why = "its dynamic string table is malformed";
      return ElfExport::kNotLoadable;
    }
    const char* names = bytes.data() + strtab.sh_offset;
    for (uint64_t k = 0; k < dynsym.sh_size / sizeof(Sym); ++k) {
      Sym sym{};
      std::memcpy(&sym, bytes.data() + dynsym.sh_offset + k * sizeof(Sym), sizeof sym);
      if (sym.st_name >= strtab.sh_size || sym.st_shndx == SHN_UNDEF) continue;
      const unsigned bind = ELF64_ST_BIND(sym.st_info), type = ELF64_ST_TYPE(sym.st_info);
      if ((bind != STB_GLOBAL && bind != STB_WEAK) || type != STT_FUNC) continue;
      if (ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT && ELF64_ST_VISIBILITY(sym.st_other) != STV_PROTECTED)
        continue;
      const size_t max = static_cast<size_t>(strtab.sh_size - sym.st_name);
      const std::string_view name(names + sym.st_name, strnlen(names + sym.st_name, max));
      if (name == function) return ElfExport::kFound;
    }
    return ElfExport::kMissing;
  }
  return ElfExport::kMissing;  // a shared library that exports nothing dynamically
}

}  // namespace mcph
