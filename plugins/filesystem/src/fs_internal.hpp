// fs_internal.hpp - the filesystem plugin's internals: path confinement,
// text helpers (UTF-8, JSON, sizes, dates, collation), glob matching, the
// unified diff and the edit algorithm. Everything here is plain C++ over
// POSIX; the plugin glue lives in plugin.cpp.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fsplug {

/* ---- Errors ------------------------------------------------------------- */

/** A failure the model sees as an isError result (text = what()). */
class FsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** "ENOENT: no such file or directory, open '/p'" (Node's wording). */
std::string errno_message(int err, const char* syscall, std::string_view path);
[[noreturn]] void throw_errno(int err, const char* syscall, std::string_view path);

/* ---- File descriptors ---------------------------------------------------- */

class Fd {
 public:
  Fd() noexcept = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const noexcept { return fd_; }
  int release() noexcept {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  Fd dup() const;

 private:
  int fd_ = -1;
};

/* ---- Roots and path resolution ------------------------------------------ */

struct Root {
  std::string original;  // the configured path, absolute and normalised
  std::string real;      // its canonical path (symlinks resolved)
  Fd fd;                 // O_PATH | O_DIRECTORY descriptor of `real`
};

/** Where a requested path lands, resolved below a root. */
struct Resolved {
  const Root* root = nullptr;
  std::string abs;                // canonical absolute path (what exists + missing tail)
  Fd dir;                         // O_PATH descriptor of the deepest existing directory
  std::vector<std::string> rest;  // exists: 0 names (a root) or 1 (the leaf in dir);
                                  // missing: the missing components below dir
  bool exists = false;
  struct stat st {};              // of the target when it exists (never a symlink)

  /** The name to pass to *at() calls for an existing target ("." for a root). */
  const char* leaf() const { return rest.empty() ? "." : rest.front().c_str(); }
  std::string dir_path() const;   // canonical path of `dir`
};

class Roots {
 public:
  /** Opens each directory; returns the warnings for those that could not be used. */
  std::vector<std::string> init(const std::vector<std::string>& configured, const std::string& home);
  /** Takes roots opened elsewhere (the client's roots, client_roots.cpp);
   *  `empty_reason` explains calls when `roots` is empty. */
  void adopt(std::vector<Root> roots, std::string home, std::string empty_reason);
  const std::string& home() const noexcept { return home_; }
  const std::vector<Root>& list() const noexcept { return roots_; }
  /** Every allowed directory as the reference lists them (original, then real when different). */
  std::vector<std::string> display() const;
  std::string display_joined() const;

  /** Resolves `input` (absolute, relative to the roots, or ~), following
   *  symlinks that stay inside the roots. Throws FsError. */
  Resolved resolve(std::string_view input) const;
  /** Resolves and requires an existing target. */
  Resolved resolve_existing(std::string_view input) const;
  /** Whether a canonical absolute path lies inside a root (lexically). */
  bool contains(std::string_view abs) const;

 private:
  Resolved resolve_abs(std::string abs, bool via_symlink, int hops,
                       const std::string& shown = std::string()) const;
  const Root* match(std::string_view abs, std::string* rel) const;
  std::vector<Root> roots_;
  std::string home_;
  std::string empty_reason_;
};

/** Lexically normalises an absolute path: collapses //, . and .. . */
std::string normalize_abs(std::string_view p);
/** Checks a requested path string: NUL bytes, UTF-8, length limits. */
void check_path_string(std::string_view p);

/** Opens an existing regular file for reading (O_NOFOLLOW). */
Fd open_regular(const Resolved& r);
/** Opens an existing directory for listing (O_NOFOLLOW). */
Fd open_directory(const Resolved& r);
/** Reads an open file whole, refusing more than max_bytes. */
std::string read_all(int fd, const std::string& path, uint64_t max_bytes);

/** Atomic replace: a temp file in `dirfd`, fsync, rename over `name`, fsync dir.
 *  mode < 0: a new file (0666 & ~umask); otherwise the permission bits to keep. */
void atomic_write(int dirfd, const std::string& name, std::string_view content, int mode,
                  const std::string& display_path);

/** Test hook: called after the temp file is written, before the rename. */
extern std::function<void()> g_before_commit_hook;

/* ---- Text helpers -------------------------------------------------------- */

bool valid_utf8(std::string_view s);
/** Decodes like Node's Buffer.toString('utf8'): invalid sequences become U+FFFD. */
std::string sanitize_utf8(std::string_view s);
/** The same for a string the caller gives up: returned as it is when valid (no copy). */
std::string sanitize_utf8_owned(std::string s);
/** JSON string literal as JSON.stringify writes it. */
void json_quote(std::string& out, std::string_view s);
std::string json_quote(std::string_view s);
/** Node's formatSize from the reference server. */
std::string format_size(uint64_t bytes);
/** String.prototype.padEnd / padStart counting UTF-16 units. */
std::string pad_end(std::string_view s, size_t width);
std::string pad_start(std::string_view s, size_t width);
/** An approximation of String.prototype.localeCompare (ICU root collation). */
int locale_compare(std::string_view a, std::string_view b);
/** Date.prototype.toString() in the local time zone. */
std::string js_date_string(const struct timespec& ts);
/** ISO 8601 UTC with milliseconds (Date.prototype.toISOString()). */
std::string iso_date_string(const struct timespec& ts);
/** Node's pathToFileURL(p).href for an absolute POSIX path. */
std::string file_url(std::string_view abs);
std::string percent_decode(std::string_view s);
/** Replaces every "\r\n" by "\n". */
std::string normalize_line_endings(std::string_view s);
/** head/tail exactly as the reference server computes them. */
std::string head_lines(std::string_view text, double n);
std::string tail_lines(std::string_view text, double n);

/* ---- Glob (minimatch with {dot: true}) ----------------------------------- */

bool glob_match(std::string_view path, std::string_view pattern);

/* ---- Diff and edits ------------------------------------------------------ */

/** jsdiff's createTwoFilesPatch(name, name, a, b, 'original', 'modified'). */
std::string unified_diff(std::string_view a, std::string_view b, std::string_view name);

struct Edit {
  std::string old_text;
  std::string new_text;
};
/** applyFileEdits from the reference: returns the new content (content is
 *  already line-ending normalised). Throws FsError when an edit does not match. */
std::string apply_edits(const std::string& content, const std::vector<Edit>& edits);
/** The diff block the reference returns (```diff ... ``` with enough backticks). */
std::string format_diff_block(const std::string& diff);

}  // namespace fsplug
