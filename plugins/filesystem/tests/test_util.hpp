// test_util.hpp - temporary trees and snapshots for the filesystem tests.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fake_host.hpp"

namespace fstest {

inline std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
inline void spit(const std::string& p, const std::string& content) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << content;
}
inline bool exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}
inline void mkdirs(const std::string& p) {
  std::string cur;
  for (size_t i = 1; i <= p.size(); ++i)
    if (i == p.size() || p[i] == '/') ::mkdir(p.substr(0, i).c_str(), 0755);
}
inline void rmrf(const std::string& p) {
  std::string cmd = "rm -rf '" + p + "'";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("rm failed");
}

/** A fresh directory under $TMPDIR (canonical path); removed at the end. */
class TempDir {
 public:
  TempDir() {
    const char* t = ::getenv("TMPDIR");
    std::string tmpl = std::string(t ? t : "/tmp") + "/fstest-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    char buf[PATH_MAX];
    path = ::realpath(tmpl.c_str(), buf);
  }
  ~TempDir() { rmrf(path); }
  std::string operator/(const std::string& rel) const { return path + "/" + rel; }
  std::string path;
};

/** Every entry below `dir` (not following symlinks): path -> type + content. */
inline void snapshot_into(const std::string& dir, const std::string& rel,
                          std::map<std::string, std::string>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::string p = dir + "/" + n, r = rel.empty() ? n : rel + "/" + n;
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      out[r] = "dir " + std::to_string(st.st_mode & 07777);
      snapshot_into(p, r, out);
    } else if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t k = ::readlink(p.c_str(), buf, sizeof buf);
      out[r] = "link " + std::string(buf, k > 0 ? static_cast<size_t>(k) : 0);
    } else {
      out[r] = "file " + std::to_string(st.st_mode & 07777) + " " + std::to_string(st.st_mtim.tv_sec) +
               "." + std::to_string(st.st_mtim.tv_nsec) + " " + slurp(p);
    }
  }
  ::closedir(d);
}
inline std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  snapshot_into(dir, "", out);
  return out;
}

inline std::string config_for(const std::string& root, const std::string& extra = "") {
  return "{\"roots\":[" + q(root) + "]" + extra + "}";
}

}  // namespace fstest
