// request_state_seal.h - the integrity protection of MRTR requestState.
//
// A modern client carries a request's state between rounds (requestState),
// so the state is attacker input. The host seals what the plugin set with
// HMAC-SHA256 under a key shared by every replica of a deployment (from a
// file or an environment variable; a random per-process key when none is
// configured, which only works without replicas), bound to the request
// (method, tool or prompt name or URI, a digest of the arguments), an expiry
// and a nonce. Open refuses a state that was modified, was sealed for another
// request, has expired, or was already used once in this process (a replay).
//
// Token: "v1." base64url(payload) "." base64url(mac), payload =
//   expiry_ms "\n" nonce_hex "\n" plugin_state.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/result.h"

namespace mcph {

struct LibcryptoFunctions;

class RequestStateSealer {
 public:
  // `key` empty: a random 32-byte key for this process.
  explicit RequestStateSealer(std::string key, int64_t lifetime_ms = 10 * 60 * 1000);

  // The sealed token for `plugin_state` (may be empty) bound to `binding`;
  // an error only when libcrypto cannot be loaded (util/libcrypto.h).
  Result<std::string> Seal(std::string_view binding, std::string_view plugin_state) const;
  // The plugin state inside `token` when it is intact, bound to `binding`,
  // unexpired and not used before; else an error a client can read.
  Result<std::string> Open(std::string_view token, std::string_view binding);

  // What a request binds to: method, name and a SHA-256 of the arguments.
  static std::string Binding(std::string_view method, std::string_view name, std::string_view arguments_json);

  bool random_key() const { return random_key_; }

 private:
  std::string Mac(const LibcryptoFunctions& crypto, std::string_view binding, std::string_view payload) const;

  std::string key_;
  bool random_key_ = false;
  int64_t lifetime_ms_;
  std::mutex mu_;  // guards used_
  std::unordered_map<std::string, int64_t> used_;  // nonce -> expiry (ms)
};

// What a 2026-07-28 request's requestState is bound to, kept as its parts:
// the SHA-256 of the arguments (~10k instructions) is computed only when a
// state is sealed or opened, which most calls never do. The views must
// outlive it.
struct StateBinding {
  std::string_view method, name, arguments_json;
  std::string Compute() const { return RequestStateSealer::Binding(method, name, arguments_json); }
};

}  // namespace mcph
