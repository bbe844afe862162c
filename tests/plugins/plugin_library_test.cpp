// plugin_library_test.cpp - PluginLibrary::Open: the ABI checks made before
// any plugin code beyond mcpp_plugin_negotiate() runs.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "plugins/plugin_library.h"
#include "temp_dir.h"

namespace fs = std::filesystem;
using mcph::PluginLibrary;
using test_support::TempDir;

namespace {

std::string Plugin(const char* file) { return std::string(MCPHOST_TEST_PLUGIN_DIR) + "/" + file; }
std::string Fixture(const char* file) { return std::string(MCPHOST_TEST_FIXTURE_DIR) + "/" + file; }

std::string ErrorOpening(const std::string& path) {
  auto r = PluginLibrary::Open(path);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("PluginLibrary::Open loads the echo plugin and negotiates ABI 1", "[plugins]") {
  auto r = PluginLibrary::Open(Plugin("libmcphost_echo.so"));
  REQUIRE(r.ok());
  const PluginLibrary& lib = *r.value();
  CHECK(lib.abi_version() == 1u);
  CHECK(lib.path() == Plugin("libmcphost_echo.so"));
  const mcpp_plugin& d = lib.descriptor();
  CHECK(d.struct_size == sizeof(mcpp_plugin));
  CHECK(std::string(d.name) == "echo");
  CHECK(std::string(d.id) == "dev.mcphost.echo");
  CHECK(std::string(d.version) == "1.0.0");
  CHECK(d.create != nullptr);
  CHECK(d.register_capabilities != nullptr);
  CHECK(d.destroy != nullptr);
}

TEST_CASE("PluginLibrary::Open loads the C++-helper and misbehaving fixtures", "[plugins]") {
  for (const char* f : {"libcpp_helper.so", "libmisbehaving.so"}) {
    auto r = PluginLibrary::Open(Fixture(f));
    INFO(f << ": " << (r.ok() ? std::string() : r.error()));
    REQUIRE(r.ok());
    CHECK(r.value()->abi_version() == 1u);
  }
}

TEST_CASE("PluginLibrary::Open refuses a plugin with no common ABI version, naming both", "[plugins]") {
  const std::string path = Fixture("libbad_abi_version.so");
  std::string e = ErrorOpening(path);
  CHECK_THAT(e, Catch::Contains(path));
  CHECK_THAT(e, Catch::Contains("ABI 1"));
  CHECK_THAT(e, Catch::Contains("99"));
}

TEST_CASE("PluginLibrary::Open refuses a descriptor whose struct_size is too small", "[plugins]") {
  const std::string path = Fixture("libbad_struct_size.so");
  std::string e = ErrorOpening(path);
  CHECK_THAT(e, Catch::Contains(path));
  CHECK_THAT(e, Catch::Contains("struct_size"));
  CHECK_THAT(e, Catch::Contains("4"));
}

TEST_CASE("PluginLibrary::Open refuses a library without the entry symbol", "[plugins]") {
  const std::string path = Fixture("libno_entry.so");
  std::string e = ErrorOpening(path);
  CHECK_THAT(e, Catch::Contains(path));
  CHECK_THAT(e, Catch::Contains("mcpp_plugin_negotiate"));
  CHECK_THAT(e, Catch::Contains("not an mcphost plugin"));
}

TEST_CASE("PluginLibrary::Open refuses a missing file", "[plugins]") {
  TempDir dir;
  const std::string path = (fs::temp_directory_path() / "mcphost_no_such_plugin_xyz.so").string();
  std::string e = ErrorOpening(path);
  CHECK_THAT(e, Catch::Contains(path));
  CHECK_THAT(e, Catch::Contains("not found"));
}

TEST_CASE("PluginLibrary::Open refuses files that are not shared libraries", "[plugins]") {
  TempDir dir;
  SECTION("a text file") {
    const std::string path = dir.Write("libnot_a_plugin.so", "this is just text, not an ELF file\n");
    std::string e = ErrorOpening(path);
    CHECK_THAT(e, Catch::Contains(path));
    CHECK_THAT(e, Catch::Contains("not a loadable shared library"));
  }
  SECTION("an empty file") {
    const std::string path = dir.Write("libempty.so", "");
    std::string e = ErrorOpening(path);
    CHECK_THAT(e, Catch::Contains(path));
  }
  SECTION("a truncated copy of a real plugin") {
    std::ifstream in(Plugin("libmcphost_echo.so"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 64);
    const std::string path = dir.Write("libtruncated.so", bytes.substr(0, 64));
    std::string e = ErrorOpening(path);
    CHECK_THAT(e, Catch::Contains(path));
  }
}

TEST_CASE("PluginLibrary::Open of the same file twice gives two working handles", "[plugins]") {
  auto a = PluginLibrary::Open(Plugin("libmcphost_echo.so"));
  auto b = PluginLibrary::Open(Plugin("libmcphost_echo.so"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a.value()->descriptor().create == b.value()->descriptor().create);
}

TEST_CASE("PluginLibrary::Open loads a fully stripped plugin (its .dynsym is what counts)", "[plugins]") {
  TempDir dir;
  const std::string path = dir.Write("libstripped_echo.so", "");
  fs::copy_file(Plugin("libmcphost_echo.so"), path, fs::copy_options::overwrite_existing);
  REQUIRE(std::system(("strip --strip-all " + path).c_str()) == 0);
  auto r = PluginLibrary::Open(path);
  INFO((r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  CHECK(std::string(r.value()->descriptor().name) == "echo");
}

TEST_CASE("PluginLibrary::Open refuses damaged ELF files without reading past them", "[plugins]") {
  TempDir dir;
  std::ifstream in(Plugin("libmcphost_echo.so"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 4096);
  SECTION("section headers pointing past the end") {
    std::string bad = bytes;
    uint64_t far = bytes.size() * 4;
    std::memcpy(bad.data() + offsetof(Elf64_Ehdr, e_shoff), &far, sizeof far);
    std::string e = ErrorOpening(dir.Write("libbad_shoff.so", bad));
    CHECK_THAT(e, Catch::Contains("not a loadable shared library"));
  }
  SECTION("an executable, not a shared library") {
    std::string bad = bytes;
    uint16_t exec = ET_EXEC;
    std::memcpy(bad.data() + offsetof(Elf64_Ehdr, e_type), &exec, sizeof exec);
    CHECK_THAT(ErrorOpening(dir.Write("libexec.so", bad)), Catch::Contains("not a shared library"));
  }
  SECTION("another architecture") {
    std::string bad = bytes;
    uint16_t native = 0;
    std::memcpy(&native, bytes.data() + offsetof(Elf64_Ehdr, e_machine), sizeof native);
    uint16_t other = native == EM_X86_64 ? EM_AARCH64 : EM_X86_64;
    std::memcpy(bad.data() + offsetof(Elf64_Ehdr, e_machine), &other, sizeof other);
    CHECK_THAT(ErrorOpening(dir.Write("libarm.so", bad)), Catch::Contains("another architecture"));
  }
}
