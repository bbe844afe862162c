// temp_dir.h - a fresh folder under the system temp dir for one test,
// removed with everything in it at scope end.
//
// Each folder is named by the process id and a counter, so two test
// processes at once (ctest -j2 runs isolation.unit beside single cases)
// never share a file. Errors: creating the folder throws (std::filesystem),
// which fails the test; removing it ignores errors. Not shared between
// threads.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace test_support {

class TempDir {
 public:
  // `tag` names the folder (mcphost_<tag>_<pid>_<n>), to tell leftovers apart.
  explicit TempDir(std::string_view tag = "test") {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("mcphost_" + std::string(tag) + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `bytes` to `name` (a path relative to the folder; its folders are
  // made) and returns the file's full path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    const std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace test_support
