// plugin_library.cpp - see plugin_library.h.
#include "plugins/plugin_library.h"

#include "plugins/elf_exports.h"

#include <vector>  // Boost 1.74's library_info.hpp uses std::vector without including it
#include <boost/dll/library_info.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <type_traits>

namespace mcph {
namespace {

std::string Describe(const std::string& path, const std::string& what) {
  return "plugin " + path + ": " + what;
}

Status CheckReadable(const std::string& path) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return Status::Error(Describe(path, "file not found or not readable"));
  return Status::Ok();
}

// Looks the entry symbol up in the file's export table without loading it.
Status CheckEntrySymbol(const std::string& path) {
#if defined(_WIN32)
  try {
    boost::dll::library_info info(boost::dll::fs::path(path), /*throw_if_not_native=*/true);
    for (const auto& s : info.symbols()) {
      if (s == MCPP_ENTRY_SYMBOL) return Status::Ok();
    }
    return Status::Error(Describe(path, std::string("not an mcphost plugin: it does not export ") +
                                            MCPP_ENTRY_SYMBOL + "()"));
  } catch (const std::exception& e) {
    return Status::Error(Describe(path, std::string("not a loadable shared library (") + e.what() + ")"));
  }
#else
  std::string why;
  switch (FindElfExport(path, MCPP_ENTRY_SYMBOL, why)) {
    case ElfExport::kFound: return Status::Ok();
    case ElfExport::kMissing:
      return Status::Error(Describe(path, std::string("not an mcphost plugin: it does not export ") +
                                              MCPP_ENTRY_SYMBOL + "()"));
    case ElfExport::kNotLoadable: break;
  }
  return Status::Error(Describe(path, "not a loadable shared library (" + why + ")"));
#endif
}

// Copies `path` to <private folder>/<stem>-<content hash><ext>, a folder
// made for this process with mode 0700 (so nobody else can swap the copy).
// The hash (64-bit FNV-1a) only keeps copies of different builds apart in
// that private folder; it guards nothing, so it needs no libcrypto (which
// costs ~1 ms of dynamic linking at every start: only requestState sealing
// still needs it).
Result<std::string> PrivateCopy(const std::string& path) {
  namespace fs = std::filesystem;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(Describe(path, "file not found or not readable"));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  static std::mutex mu;
  static std::string dir;
  std::lock_guard lock(mu);
  if (dir.empty()) {
    std::error_code ec;
    std::string tmpl = (fs::temp_directory_path(ec) / "mcphost-plugins-XXXXXX").string();
    if (ec || !mkdtemp(tmpl.data())) return Status::Error(Describe(path, "cannot make a folder for a private copy"));
    dir = tmpl;
  }
  fs::path src(path);
  fs::path dst = fs::path(dir) / (src.stem().string() + "-" + hex + src.extension().string());
  std::ofstream out(dst, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::Error(Describe(path, "cannot write a private copy to " + dst.string()));
  return dst.string();
}

}  // namespace

PluginLibrary::FileId PluginLibrary::Identify(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

bool PluginLibrary::FileChanged() const { return !(Identify(path_) == file_id_); }

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::Open(const std::string& path, bool private_copy) {
  if (Status s = CheckReadable(path); !s.ok()) return s;
  if (Status s = CheckEntrySymbol(path); !s.ok()) return s;

  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  lib->file_id_ = Identify(path);
  std::string load_from = path;
  if (private_copy) {
    auto copy = PrivateCopy(path);
    if (!copy.ok()) return copy.status();
    load_from = copy.value();
  }
  try {
    lib->library_.load(boost::dll::fs::path(load_from), boost::dll::load_mode::rtld_now |
                                                           boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    if (private_copy) std::remove(load_from.c_str());
    return Status::Error(Describe(path, std::string("cannot be loaded: ") + e.what()));
  }
  // The mapping keeps the code; the copy's name is no longer needed.
  if (private_copy) std::remove(load_from.c_str());
  if (!lib->library_.has(MCPP_ENTRY_SYMBOL))
    return Status::Error(Describe(path, std::string("does not export ") + MCPP_ENTRY_SYMBOL));
  auto& negotiate = lib->library_.get<std::remove_pointer_t<mcpp_negotiate_fn>>(MCPP_ENTRY_SYMBOL);

  mcpp_negotiation n{};
  n.struct_size = sizeof n;
  n.host_abi_min = MCPP_ABI_VERSION_MIN;
  n.host_abi_max = MCPP_ABI_VERSION;
  int32_t rc = negotiate(&n);
  const std::string host_range = MCPP_ABI_VERSION_MIN == MCPP_ABI_VERSION
                                     ? std::to_string(MCPP_ABI_VERSION)
                                     : std::to_string(MCPP_ABI_VERSION_MIN) + ".." +
                                           std::to_string(MCPP_ABI_VERSION);
  if (rc != MCPP_OK || n.plugin == nullptr) {
    std::string theirs = n.plugin && n.plugin->struct_size >= offsetof(mcpp_plugin, id)
                             ? std::to_string(n.plugin->abi_version)
                             : "unknown";
    return Status::Error(Describe(path, "no common ABI version: the host serves ABI " + host_range +
                                            ", the plugin was built for ABI " + theirs +
                                            " (rebuild it against this host's mcp_plugin.h)"));
  }
  if (n.abi_version < MCPP_ABI_VERSION_MIN || n.abi_version > MCPP_ABI_VERSION)
    return Status::Error(Describe(path, "picked ABI " + std::to_string(n.abi_version) +
                                            ", outside the host's range " + host_range));

  // Copy what the plugin's struct holds into a zeroed struct of our size.
  const mcpp_plugin* theirs = n.plugin;
  constexpr size_t kRequired = offsetof(mcpp_plugin, destroy) + sizeof(theirs->destroy);
  if (theirs->struct_size < kRequired)
    return Status::Error(Describe(path, "descriptor struct_size " + std::to_string(theirs->struct_size) +
                                            " is too small (ABI 1 needs at least " +
                                            std::to_string(kRequired) + " bytes)"));
  std::memcpy(&lib->descriptor_, theirs, std::min<size_t>(theirs->struct_size, sizeof(mcpp_plugin)));
  lib->descriptor_.struct_size = sizeof(mcpp_plugin);
  const mcpp_plugin& d = lib->descriptor_;
  if (!d.create || !d.register_capabilities || !d.destroy)
    return Status::Error(Describe(path, "descriptor lacks a required function (create, "
                                        "register_capabilities or destroy)"));
  if (!d.name || !*d.name || !d.id || !d.version)
    return Status::Error(Describe(path, "descriptor lacks id, name or version"));
  lib->abi_version_ = n.abi_version;
  return lib;
}

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::OpenIsolated(const std::string& path,
                                                                   const ProcessIsolation& options, int workers,
                                                                   uint64_t max_result_bytes) {
  if (Status s = CheckReadable(path); !s.ok()) return s;
  auto remote = RemotePlugin::Start(path, options, workers, max_result_bytes);
  if (!remote.ok()) return remote.status();
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  lib->file_id_ = Identify(path);
  lib->remote_ = remote.value();
  lib->descriptor_ = lib->remote_->descriptor();
  lib->abi_version_ = lib->remote_->abi_version();
  return lib;
}

int32_t PluginLibrary::CreateInstance(const mcpp_host* host, const mcpp_init_params* params, void** instance) const {
  if (remote_) return remote_->Create(host, params, instance);
  return descriptor_.create(host, params, instance);
}

}  // namespace mcph
