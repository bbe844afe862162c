// request_guard.h - who may talk to the MCP endpoint: DNS-rebinding
// protection (Host and Origin against allow-lists), CORS for configured
// browser origins, and bearer-token auth.
//
// Built once at start-up from the config; read-only afterwards, so every I/O
// thread uses it without locks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/host_config.h"
#include "util/result.h"

namespace mcph::http {

// A host name from a Host header or an allow-list entry, split from its port
// ("[::1]:8080" -> "[::1]", "8080"); lower-cased.
struct HostPort {
  std::string host;
  std::string port;  // "" when none
};
HostPort SplitHostPort(std::string_view s);

// True when `host` (an address or a name) is a loopback one: 127.0.0.0/8,
// ::1, localhost.
bool IsLoopbackHost(std::string_view host);

class OriginGuard {
 public:
  // `bound_host` is the host part of the listen address: when it is loopback
  // and a list is empty, that list defaults to the loopback names.
  OriginGuard(const HttpConfig& cfg, std::string_view bound_host);

  // Host header value (may be empty: HTTP/1.0). True when allowed.
  bool HostAllowed(std::string_view host_header) const;
  // Origin header value; call only when the header is present.
  bool OriginAllowed(std::string_view origin) const;
  // True when responses to this origin carry CORS headers.
  bool IsCorsOrigin(std::string_view origin) const;

 private:
  bool check_hosts_ = false;
  bool check_origins_ = false;
  std::vector<HostPort> hosts_;
  std::vector<std::string> origins_;  // lower-cased; "scheme://host" = any port
  std::vector<std::string> cors_;
};

class BearerAuth {
 public:
  // Reads the tokens named by the config (file and/or env). No source = auth off.
  static Result<BearerAuth> Load(const HttpAuthConfig& cfg);
  BearerAuth() = default;
  explicit BearerAuth(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  bool enabled() const { return !tokens_.empty(); }
  // The Authorization header's value ("" when absent). Compares against every
  // token in constant time (per token length), without an early exit.
  bool Check(std::string_view authorization) const;

 private:
  std::vector<std::string> tokens_;
};

// Constant-time equality of two byte strings (time depends only on the
// lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mcph::http
