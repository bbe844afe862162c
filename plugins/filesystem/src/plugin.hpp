// plugin.hpp - the filesystem plugin class (see plugin.cpp and README.md).
#pragma once

#include <mcphost/mcp_plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fs_internal.hpp"

namespace fsplug {

struct Config {
  std::vector<std::string> roots;
  bool read_only = false;
  uint64_t max_read_bytes = 10ull * 1024 * 1024;
  uint64_t max_results = 100000;
};

/** Parses the plugin's config JSON; throws std::runtime_error naming the key. */
Config parse_config(std::string_view json, std::vector<std::string>* warnings);

class FilesystemPlugin : public mcpp::Plugin {
 public:
  explicit FilesystemPlugin(const mcpp::InitParams& params);
  void register_capabilities(mcpp::Registrar& reg) override;

  const Roots& roots() const { return roots_; }

 private:
  void read_text_file(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void read_media_file(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void read_multiple_files(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void write_file(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void edit_file(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void create_directory(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void list_directory(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void list_directory_with_sizes(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void directory_tree(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void move_file(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void search_files(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void get_file_info(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void list_allowed_directories(mcpp::Call&, std::string_view args, mcpp::Result&) const;
  void read_resource(mcpp::Call&, std::string_view uri, std::string_view vars,
                     mcpp::Result&) const;

  Config cfg_;
  Roots roots_;
};

}  // namespace fsplug
