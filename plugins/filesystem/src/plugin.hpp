// plugin.hpp - the filesystem plugin class (see plugin.cpp and README.md).
#pragma once

#include <mcphost/mcp_plugin.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client_roots.hpp"
#include "fs_internal.hpp"

namespace fsplug {

struct Config {
  std::vector<std::string> roots;
  bool read_only = false;
  uint64_t max_read_bytes = 10ull * 1024 * 1024;
  uint64_t max_results = 100000;
  /** How the allowed directories follow the client's roots (client_roots.hpp). */
  ClientRootsMode client_roots = ClientRootsMode::kIntersect;
  /** 2026-07-28 requests carry no session roots: ask for them with an input
   *  request (client_roots_modern: ask) or use the configured roots (ignore). */
  bool ask_modern_roots = false;
};

/** Parses the plugin's config JSON; throws std::runtime_error naming the key. */
Config parse_config(std::string_view json, std::vector<std::string>* warnings);

class FilesystemPlugin : public mcpp::Plugin {
 public:
  explicit FilesystemPlugin(const mcpp::InitParams& params);
  void register_capabilities(mcpp::Registrar& reg) override;

  /** The configured roots (what applies when the client shares none). */
  const Roots& roots() const { return *configured_; }

  /** The roots that apply to this call: the configured ones, or those
   *  derived from the client's roots (cached per distinct roots JSON). With
   *  `out` set, a modern request under client_roots_modern: ask without an
   *  answer yet gets an input request for roots/list and nullptr comes back:
   *  the handler then returns at once and is called again with the answer. */
  std::shared_ptr<const Roots> effective_roots(mcpp::Call& call, mcpp::Result* out) const;

 private:
  // Tool handlers: the call, the roots that apply to it, the arguments.
  void read_text_file(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void read_media_file(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void read_multiple_files(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void write_file(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void edit_file(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void create_directory(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void list_directory(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void list_directory_with_sizes(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void directory_tree(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void move_file(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void search_files(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void get_file_info(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void list_allowed_directories(mcpp::Call&, const Roots&, std::string_view args, mcpp::Result&) const;
  void read_resource(mcpp::Call&, const Roots&, std::string_view uri, std::string_view vars,
                     mcpp::Result&) const;

  std::shared_ptr<const Roots> from_client(std::string_view roots_array_json) const;

  Config cfg_;
  std::shared_ptr<const Roots> configured_;
  mutable RootsCache cache_;
};

}  // namespace fsplug
