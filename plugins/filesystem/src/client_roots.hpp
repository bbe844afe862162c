// client_roots.hpp - the allowed directories derived from the MCP client's
// roots (mcpp_call.roots_json, or the answer to a roots/list input request).
//
// Contract: the client's roots are advisory input from the client, never
// trusted. Only file:// URIs (empty host or "localhost") count; each is
// percent-decoded, canonicalised (realpath) and must be an existing
// directory, otherwise it is skipped with a log line. How the rest combine
// with the operator's roots is the config key client_roots:
//   ignore    - the configured roots, always;
//   intersect - client roots inside a configured root (opened by walking from
//               that root's descriptor, so a racing symlink cannot lead out),
//               and configured roots inside a client root; never more than
//               the configured roots;
//   replace   - the client's roots instead of the configured ones (the
//               reference server's behaviour; the operator opts in).
// When no client root is usable at all, the configured roots stay (as the
// reference keeps its directories when the client sends no valid root).
//
// Thread-safety: RootsCache::get may be called from any thread; the Roots it
// returns are immutable and shared (a call keeps its shared_ptr until it
// returns, so an eviction never pulls them from under a running call).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fs_internal.hpp"

namespace fsplug {

enum class ClientRootsMode { kIgnore, kIntersect, kReplace };

/** "ignore" | "intersect" | "replace"; false for anything else. */
bool parse_client_roots_mode(std::string_view s, ClientRootsMode* out);
const char* client_roots_mode_name(ClientRootsMode m);

/** Node's fileURLToPath for POSIX, restricted to file:// URIs: the decoded,
 *  lexically normalised absolute path, or false with the reason. Refuses
 *  other schemes, a host other than localhost, an encoded '/' and NUL. */
bool file_uri_to_path(std::string_view uri, std::string* path, std::string* why);

/** What deriving roots has to say: (MCPP_LOG_* level, line) pairs. */
using RootsLog = std::vector<std::pair<int32_t, std::string>>;

/** Builds the effective roots from `configured` and the client's roots (a
 *  JSON array of {uri, name?}). Returns nullptr when the configured roots
 *  stay as they are (mode ignore, not an array, or no usable client root).
 *  Every skipped root and the outcome are appended to `log`. */
std::shared_ptr<const Roots> derive_roots(const Roots& configured, ClientRootsMode mode,
                                          std::string_view roots_json, RootsLog* log);

/** A small cache of derived roots keyed by the exact roots JSON text, so a
 *  session's calls canonicalise its roots once, not per call. Holds at most
 *  `capacity` entries and drops the oldest first. */
class RootsCache {
 public:
  using Builder = std::function<std::shared_ptr<const Roots>(std::string_view key)>;
  explicit RootsCache(size_t capacity = 16) : capacity_(capacity) {}

  /** The cached value for `key`, or build(key) stored and returned (a
   *  nullptr result is cached too). The builder runs under the lock: roots
   *  change rarely, and building twice would log twice. */
  std::shared_ptr<const Roots> get(std::string_view key, const Builder& build);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::vector<std::pair<std::string, std::shared_ptr<const Roots>>> entries_;  // oldest first
};

}  // namespace fsplug
