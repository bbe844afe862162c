// paths.cpp - roots, confined path resolution and the file primitives that
// work relative to verified directory descriptors.
//
// Every lookup walks from a root's O_PATH descriptor one component at a time
// with fstatat(AT_SYMLINK_NOFOLLOW) and openat(O_NOFOLLOW): a symlink is read
// with readlinkat and its target resolved again under the same rules, so a
// target outside every root is refused, and a symlink swapped in after the
// check makes the final openat fail (O_NOFOLLOW) instead of escaping.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <deque>

#include "fs_internal.hpp"

namespace fsplug {

std::function<void()> g_before_commit_hook;

/* ---- Errors ------------------------------------------------------------- */

namespace {
const char* errno_code(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EEXIST: return "EEXIST";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EXDEV: return "EXDEV";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    case EBUSY: return "EBUSY";
    case EMFILE: return "EMFILE";
    case EIO: return "EIO";
    default: return nullptr;
  }
}
const char* errno_text(int err) {
  switch (err) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EEXIST: return "file already exists";
    case EISDIR: return "illegal operation on a directory";
    case ENOTDIR: return "not a directory";
    case ELOOP: return "too many symbolic links encountered";
    case ENAMETOOLONG: return "name too long";
    case ENOTEMPTY: return "directory not empty";
    case EXDEV: return "cross-device link not permitted";
    case EPERM: return "operation not permitted";
    case EINVAL: return "invalid argument";
    case EROFS: return "read-only file system";
    case ENOSPC: return "no space left on device";
    case EBUSY: return "resource busy or locked";
    case EMFILE: return "too many open files";
    case EIO: return "i/o error";
    default: return nullptr;
  }
}

std::string join_path(std::string_view base, std::string_view name) {
  std::string out(base);
  if (out.empty() || out.back() != '/') out += '/';
  out.append(name);
  return out;
}

std::vector<std::string> split_components(std::string_view p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string parent_of(std::string_view abs) {
  size_t pos = abs.rfind('/');
  if (pos == 0 || pos == std::string_view::npos) return "/";
  return std::string(abs.substr(0, pos));
}
}  // namespace

std::string errno_message(int err, const char* syscall, std::string_view path) {
  std::string out;
  const char* code = errno_code(err);
  const char* text = errno_text(err);
  out += code ? code : "E" + std::to_string(err);
  out += ": ";
  if (text) {
    out += text;
  } else {
    std::string s = std::strerror(err);
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    out += s;
  }
  out += ", ";
  out += syscall;
  out += " '";
  out.append(path);
  out += "'";
  return out;
}

void throw_errno(int err, const char* syscall, std::string_view path) {
  throw FsError(errno_message(err, syscall, path));
}

/* ---- Fd ----------------------------------------------------------------- */

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}
Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}
Fd Fd::dup() const {
  int f = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  if (f < 0) throw_errno(errno, "dup", "");
  return Fd(f);
}

/* ---- Path strings ------------------------------------------------------- */

std::string normalize_abs(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view c = p.substr(i, j - i);
    if (c.empty() || c == ".") {
    } else if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(c);
    }
    i = j + 1;
  }
  std::string out;
  for (auto c : parts) {
    out += '/';
    out.append(c);
  }
  return out.empty() ? "/" : out;
}

void check_path_string(std::string_view p) {
  if (p.find('\0') != std::string_view::npos)
    throw FsError("Invalid path: the path contains a NUL byte");
  if (!valid_utf8(p)) throw FsError("Invalid path: the path is not valid UTF-8");
  if (p.size() >= PATH_MAX)
    throw FsError("ENAMETOOLONG: name too long, the path is " + std::to_string(p.size()) +
                  " bytes (limit " + std::to_string(PATH_MAX - 1) + ")");
  for (const auto& c : split_components(p))
    if (c.size() > NAME_MAX)
      throw FsError("ENAMETOOLONG: name too long, a path component is " +
                    std::to_string(c.size()) + " bytes (limit " + std::to_string(NAME_MAX) + ")");
}

/* ---- Roots -------------------------------------------------------------- */

std::vector<std::string> Roots::init(const std::vector<std::string>& configured,
                                     const std::string& home) {
  std::vector<std::string> warnings;
  home_ = home;
  roots_.clear();
  for (const std::string& dir : configured) {
    std::string p = dir;
    if ((p == "~" || p.rfind("~/", 0) == 0) && !home.empty()) p = home + p.substr(1);
    if (p.empty() || p.find('\0') != std::string::npos) {
      warnings.push_back("Warning: invalid root \"" + dir + "\", skipping");
      continue;
    }
    if (p[0] != '/') {
      char cwd[PATH_MAX];
      if (!::getcwd(cwd, sizeof cwd)) {
        warnings.push_back("Warning: cannot resolve relative root " + dir + ", skipping");
        continue;
      }
      p = join_path(cwd, p);
    }
    std::string original = normalize_abs(p);
    char buf[PATH_MAX];
    if (!::realpath(original.c_str(), buf)) {
      warnings.push_back("Warning: Cannot access directory " + original + ", skipping (" +
                         errno_message(errno, "realpath", original) + ")");
      continue;
    }
    Root r;
    r.original = original;
    r.real = buf;
    int fd = ::open(r.real.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      warnings.push_back("Warning: " + original + " is not an accessible directory, skipping (" +
                         errno_message(errno, "open", r.real) + ")");
      continue;
    }
    r.fd = Fd(fd);
    bool dup = false;
    for (const Root& o : roots_) dup = dup || o.real == r.real;
    if (!dup) roots_.push_back(std::move(r));
  }
  return warnings;
}

void Roots::adopt(std::vector<Root> roots, std::string home, std::string empty_reason) {
  roots_ = std::move(roots);
  home_ = std::move(home);
  empty_reason_ = std::move(empty_reason);
}

std::vector<std::string> Roots::display() const {
  std::vector<std::string> out;
  for (const Root& r : roots_) {
    out.push_back(r.original);
    if (r.real != r.original) out.push_back(r.real);
  }
  return out;
}

std::string Roots::display_joined() const {
  std::string out;
  for (const auto& d : display()) {
    if (!out.empty()) out += ", ";
    out += d;
  }
  return out;
}

const Root* Roots::match(std::string_view abs, std::string* rel) const {
  const Root* best = nullptr;
  size_t best_len = 0;
  for (const Root& r : roots_) {
    for (const std::string* prefix : {&r.real, &r.original}) {
      const std::string& pre = *prefix;
      bool inside;
      size_t cut;
      if (pre == "/") {
        inside = !abs.empty() && abs[0] == '/';
        cut = 1;
      } else {
        inside = abs.size() >= pre.size() && abs.compare(0, pre.size(), pre) == 0 &&
                 (abs.size() == pre.size() || abs[pre.size()] == '/');
        cut = pre.size();
      }
      if (inside && (best == nullptr || pre.size() > best_len)) {
        best = &r;
        best_len = pre.size();
        if (rel) *rel = std::string(abs.substr(std::min(cut, abs.size())));
      }
    }
  }
  return best;
}

bool Roots::contains(std::string_view abs) const { return match(abs, nullptr) != nullptr; }

std::string Resolved::dir_path() const {
  if (exists) return rest.empty() ? abs : parent_of(abs);
  std::string p = abs;
  for (size_t i = 0; i < rest.size(); ++i) p = parent_of(p);
  return p;
}

Resolved Roots::resolve(std::string_view input) const {
  check_path_string(input);
  if (roots_.empty())
    throw FsError(empty_reason_.empty()
                      ? "No allowed directories: the filesystem plugin has no accessible root (config key roots)"
                      : "No allowed directories: " + empty_reason_);
  std::string p(input);
  if (p == "~" || p.rfind("~/", 0) == 0) {
    if (home_.empty()) throw FsError("Cannot expand ~: HOME is not set");
    p = home_ + p.substr(1);
  }
  if (p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':' &&
      (p.size() == 2 || p[2] == '/' || p[2] == '\\'))
    throw FsError("Access denied - Windows-style path received on a POSIX host: " +
                  std::string(input));
  std::string abs;
  if (!p.empty() && p[0] == '/') {
    abs = normalize_abs(p);
  } else {
    std::vector<std::string> dirs = display();
    for (const auto& d : dirs) {
      std::string c = normalize_abs(join_path(d, p));
      if (contains(c)) {
        abs = std::move(c);
        break;
      }
    }
    if (abs.empty()) abs = normalize_abs(join_path(dirs.front(), p));
  }
  if (!contains(abs))
    throw FsError("Access denied - path outside allowed directories: " + abs + " not in " +
                  display_joined());
  return resolve_abs(std::move(abs), false, 0);
}

Resolved Roots::resolve_existing(std::string_view input) const {
  Resolved r = resolve(input);
  if (!r.exists) throw_errno(ENOENT, "stat", r.abs);
  return r;
}

Resolved Roots::resolve_abs(std::string abs, bool via_symlink, int hops,
                             const std::string& shown) const {
  std::string rel;
  const Root* root = match(abs, &rel);
  if (!root)
    throw FsError(std::string(via_symlink ? "Access denied - symlink target outside allowed "
                                            "directories: "
                                          : "Access denied - path outside allowed directories: ") +
                  (shown.empty() ? abs : shown) + " not in " + display_joined());
  std::vector<std::string> parts = split_components(rel);
  std::deque<std::string> pending(parts.begin(), parts.end());
  std::vector<Fd> stack;
  std::vector<std::string> names;
  auto cur = [&]() -> int { return stack.empty() ? root->fd.get() : stack.back().get(); };
  auto cur_path = [&]() {
    std::string p = root->real;
    for (const auto& n : names) p = join_path(p, n);
    return p;
  };
  auto take_dir = [&]() -> Fd {
    if (stack.empty()) return root->fd.dup();
    Fd f = std::move(stack.back());
    stack.pop_back();
    return f;
  };

  while (!pending.empty()) {
    std::string c = std::move(pending.front());
    pending.pop_front();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!names.empty()) {
        names.pop_back();
        stack.pop_back();
        continue;
      }
      if (root->real == "/") continue;
      std::string up = parent_of(root->real);
      std::string up_shown = up;
      for (const auto& n : pending) up = join_path(up, n);
      return resolve_abs(normalize_abs(up), true, hops, up_shown);
    }
    struct stat st;
    if (::fstatat(cur(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      int e = errno;
      if (e != ENOENT) throw_errno(e, "stat", join_path(cur_path(), c));
      Resolved r;
      r.root = root;
      r.abs = join_path(cur_path(), c);
      r.rest.push_back(c);
      for (auto& n : pending) {
        if (n.empty() || n == ".") continue;
        if (n == "..") throw_errno(ENOENT, "stat", r.abs);
        r.abs = join_path(r.abs, n);
        r.rest.push_back(n);
      }
      r.dir = take_dir();
      r.exists = false;
      return r;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++hops > 40) throw_errno(ELOOP, "stat", join_path(cur_path(), c));
      char buf[PATH_MAX + 1];
      ssize_t n = ::readlinkat(cur(), c.c_str(), buf, PATH_MAX);
      if (n < 0) throw_errno(errno, "readlink", join_path(cur_path(), c));
      std::string target(buf, static_cast<size_t>(n));
      if (!target.empty() && target[0] == '/') {
        std::string target_shown = normalize_abs(target);
        for (const auto& p : pending) target = join_path(target, p);
        return resolve_abs(normalize_abs(target), true, hops, target_shown);
      }
      auto tparts = split_components(target);
      pending.insert(pending.begin(), tparts.begin(), tparts.end());
      continue;
    }
    bool last = true;
    for (const auto& p : pending) last = last && (p.empty() || p == ".");
    if (last) {
      Resolved r;
      r.root = root;
      r.abs = join_path(cur_path(), c);
      r.dir = take_dir();
      r.rest.push_back(c);
      r.exists = true;
      r.st = st;
      return r;
    }
    if (!S_ISDIR(st.st_mode)) throw_errno(ENOTDIR, "stat", join_path(cur_path(), c));
    int fd = ::openat(cur(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw_errno(errno, "open", join_path(cur_path(), c));
    stack.emplace_back(fd);
    names.push_back(c);
  }
  // The target is a directory reached with "." / ".." / a symlink: rebuild the
  // (parent, leaf) form, or the root itself.
  Resolved r;
  r.root = root;
  r.abs = cur_path();
  r.exists = true;
  if (names.empty()) {
    r.dir = root->fd.dup();
    if (::fstat(r.dir.get(), &r.st) != 0) throw_errno(errno, "stat", r.abs);
    return r;
  }
  if (::fstat(stack.back().get(), &r.st) != 0) throw_errno(errno, "stat", r.abs);
  stack.pop_back();
  r.rest.push_back(names.back());
  r.dir = take_dir();
  return r;
}

/* ---- File primitives ---------------------------------------------------- */

Fd open_regular(const Resolved& r) {
  if (!r.exists) throw_errno(ENOENT, "open", r.abs);
  if (S_ISDIR(r.st.st_mode)) throw_errno(EISDIR, "read", r.abs);
  int fd = ::openat(r.dir.get(), r.leaf(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw_errno(errno, "open", r.abs);
  Fd f(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) throw_errno(errno, "fstat", r.abs);
  if (S_ISDIR(st.st_mode)) throw_errno(EISDIR, "read", r.abs);
  if (!S_ISREG(st.st_mode)) throw FsError("Not a regular file: " + r.abs);
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return f;
}

Fd open_directory(const Resolved& r) {
  if (!r.exists) throw_errno(ENOENT, "scandir", r.abs);
  if (!S_ISDIR(r.st.st_mode)) throw_errno(ENOTDIR, "scandir", r.abs);
  int fd = ::openat(r.dir.get(), r.leaf(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, "scandir", r.abs);
  return Fd(fd);
}

std::string read_all(int fd, const std::string& path, uint64_t max_bytes) {
  struct stat st;
  if (::fstat(fd, &st) != 0) throw_errno(errno, "fstat", path);
  auto too_large = [&](uint64_t size) {
    return FsError("File too large: " + path + " is " + std::to_string(size) +
                   " bytes, over the max_read_bytes limit of " + std::to_string(max_bytes) +
                   " bytes (read part of it with head or tail)");
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) throw too_large(static_cast<uint64_t>(st.st_size));
  std::string out;
  // One byte more than the size: the read that finds the end needs room,
  // and growing a large buffer for it would copy it all.
  out.resize(static_cast<size_t>(st.st_size) + 1);
  size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (out.size() >= max_bytes + 1) break;
      out.resize(std::min<uint64_t>(max_bytes + 1, out.size() + 65536));
    }
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "read", path);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) throw too_large(got);
  out.resize(got);
  return out;
}

void atomic_write(int dirfd, const std::string& name, std::string_view content, int mode,
                  const std::string& display_path) {
  unsigned char rnd[8];
  if (::getrandom(rnd, sizeof rnd, 0) != static_cast<ssize_t>(sizeof rnd))
    for (auto& b : rnd) b = static_cast<unsigned char>(::rand());
  static const char hex[] = "0123456789abcdef";
  std::string suffix = ".";
  for (unsigned char b : rnd) {
    suffix += hex[b >> 4];
    suffix += hex[b & 15];
  }
  suffix += ".tmp";
  std::string base = name.substr(0, std::min<size_t>(name.size(), NAME_MAX - 1 - suffix.size()));
  std::string tmp = "." + base + suffix;
  int fd = ::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) throw_errno(errno, "open", display_path);
  Fd f(fd);
  auto fail = [&](int err, const char* op) {
    ::unlinkat(dirfd, tmp.c_str(), 0);
    throw_errno(err, op, display_path);
  };
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno, "write");
    }
    off += static_cast<size_t>(n);
  }
  if (mode >= 0) ::fchmod(fd, static_cast<mode_t>(mode & 0777));
  if (::fsync(fd) != 0) fail(errno, "fsync");
  f = Fd();
  if (g_before_commit_hook) g_before_commit_hook();
  if (::renameat(dirfd, tmp.c_str(), dirfd, name.c_str()) != 0) fail(errno, "rename");
  int d = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) {
    ::fsync(d);
    ::close(d);
  }
}

}  // namespace fsplug
