// plugin_library.h - one plugin shared library, opened and negotiated.
//
// Open() checks the file is a shared library exporting the entry symbol
// before loading it (so no constructor of an unrelated file runs), loads it
// with RTLD_NOW (missing dependencies fail here, not mid-call), negotiates an
// ABI version and keeps a checked, zero-extended copy of the descriptor.
// Errors are values; Boost.DLL exceptions stop here. The library is never
// unloaded while a PluginLibrary (shared by every instance made from it) lives.
#pragma once

#include <mcphost/mcp_plugin.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>

#include "config/host_config.h"
#include "plugins/isolation/remote_plugin.h"
#include "util/result.h"

namespace mcph {

class PluginLibrary {
 public:
  // `private_copy` loads a copy of the file, named after its content, from a
  // folder only this user can write (and unlinks it once loaded): the way to
  // load a plugin rebuilt in place while the old build is still loaded, since
  // dlopen() of the same file again returns the old image.
  static Result<std::shared_ptr<PluginLibrary>> Open(const std::string& path, bool private_copy = false);
  // The same plugin, loaded in a runner process of its own (isolation:
  // process): nothing of it is mapped into this process.
  static Result<std::shared_ptr<PluginLibrary>> OpenIsolated(const std::string& path, const ProcessIsolation& options,
                                                             int workers, uint64_t max_result_bytes);
  // The descriptor's create(), in this process or in the runner.
  int32_t CreateInstance(const mcpp_host* host, const mcpp_init_params* params, void** instance) const;
  // The runner of an isolated plugin; null in-process.
  RemotePlugin* remote() const { return remote_.get(); }

  const std::string& path() const { return path_; }
  // Whether the file at path() is no longer the one that was loaded (another
  // inode, size or modification time): a rebuilt plugin.
  bool FileChanged() const;
  uint32_t abi_version() const { return abi_version_; }
  // The descriptor, zero-extended to this host's sizeof(mcpp_plugin).
  const mcpp_plugin& descriptor() const { return descriptor_; }

 private:
  PluginLibrary() = default;
  std::string path_;
  struct FileId {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileId&) const = default;
  };
  static FileId Identify(const std::string& path);
  FileId file_id_;
  boost::dll::shared_library library_;
  uint32_t abi_version_ = 0;
  mcpp_plugin descriptor_{};
  std::shared_ptr<RemotePlugin> remote_;
};

}  // namespace mcph
