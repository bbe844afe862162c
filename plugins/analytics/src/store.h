// store.h - the datasets one process holds: roots, memory limits, sealed
// handles (stateless replicas), and a per-process cache keyed by path, size,
// modification time and load options.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "frame.h"
#include "loader.h"

namespace analytics {

struct StoreConfig {
  std::vector<std::string> roots;      // canonical directories
  size_t max_dataset_bytes = 2048ull << 20;
  size_t max_total_bytes = 8192ull << 20;
  size_t max_datasets = 64;
  std::string secret;                  // HMAC key for handles
  bool secret_configured = false;      // false: a random per-process key
};

// A column's discovered schema.
struct ColumnSchema {
  std::string name;
  Type type;
  size_t null_count = 0, unique_count = 0;
  std::vector<size_t> sample_rows;  // rows of the first distinct non-null values
};

struct Dataset {
  std::string data_id;
  std::string handle;
  std::string path;          // canonical; "" for derived datasets
  std::string derived_from;  // filter save_as: the source data_id
  LoadOptions options;
  LoadInfo info;
  std::shared_ptr<const DataFrame> frame;
  std::vector<ColumnSchema> schema;
  uint64_t file_size = 0;
  int64_t file_mtime_ns = 0;
  double load_seconds = 0;
  std::chrono::system_clock::time_point loaded_at;
};

std::vector<ColumnSchema> DiscoverSchema(const DataFrame& df, size_t samples = 5);

class Store {
 public:
  explicit Store(StoreConfig config);

  const StoreConfig& config() const { return cfg_; }

  // The canonical path of `file_path` if it is an existing file under a root
  // (relative paths start at the first root); throws UserError otherwise.
  std::string ResolvePath(const std::string& file_path) const;

  // Loads (or reuses the cached frame of) `path` as `data_id`, replacing an
  // older dataset of that name.
  std::shared_ptr<const Dataset> Load(const std::string& file_path, const std::string& data_id,
                                      const LoadOptions& options, const ProgressFn& progress);

  // A dataset by data_id or handle; a handle this process has not seen is
  // verified, its file loaded, and registered under its data_id. Throws
  // UserError when neither resolves.
  std::shared_ptr<const Dataset> Get(const std::string& id_or_handle, const ProgressFn& progress = nullptr);

  // Registers a derived frame (filter save_as) under data_id.
  std::shared_ptr<const Dataset> Put(const std::string& data_id, const std::string& derived_from,
                                     DataFrame frame);

  bool Drop(const std::string& id_or_handle);
  std::vector<std::shared_ptr<const Dataset>> List() const;
  size_t total_bytes() const;

  std::string MakeHandle(const std::string& path, const LoadOptions& options, const std::string& data_id) const;
  // Verifies and decodes a handle; false when it is not one of ours.
  bool OpenHandle(const std::string& handle, std::string& path, LoadOptions& options, std::string& data_id) const;

  static bool IsHandle(const std::string& s);
  static bool ValidDataId(const std::string& s);

 private:
  size_t TotalLocked() const;
  std::shared_ptr<const Dataset> LoadCanonical(const std::string& path, const std::string& data_id,
                                               const LoadOptions& options, const ProgressFn& progress);

  StoreConfig cfg_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Dataset>> datasets_;
  // Frames by "path|size|mtime|options": shared by data_ids of the same file.
  std::map<std::string, std::weak_ptr<const DataFrame>> cache_;
};

}  // namespace analytics
