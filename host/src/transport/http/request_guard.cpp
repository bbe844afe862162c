// request_guard.cpp - see request_guard.h.
#include "transport/http/request_guard.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace mcph::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

const std::vector<std::string>& LoopbackNames() {
  static const std::vector<std::string> names = {"localhost", "127.0.0.1", "[::1]"};
  return names;
}

// An origin "scheme://host[:port]" -> ("scheme://host", port).
std::pair<std::string, std::string> SplitOrigin(std::string_view origin) {
  std::string o = Lower(Trim(origin));
  size_t sep = o.find("://");
  if (sep == std::string::npos) return {o, ""};
  HostPort hp = SplitHostPort(std::string_view(o).substr(sep + 3));
  return {o.substr(0, sep + 3) + hp.host, hp.port};
}

}  // namespace

HostPort SplitHostPort(std::string_view s) {
  s = Trim(s);
  HostPort hp;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return {Lower(s), ""};
    hp.host = Lower(s.substr(0, close + 1));
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty() && rest.front() == ':') hp.port = std::string(rest.substr(1));
    return hp;
  }
  size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && s.find(':') == colon) {
    hp.host = Lower(s.substr(0, colon));
    hp.port = std::string(s.substr(colon + 1));
  } else {
    hp.host = Lower(s);
  }
  return hp;
}

bool IsLoopbackHost(std::string_view host) {
  std::string h = Lower(host);
  if (h == "localhost" || h == "::1" || h == "[::1]") return true;
  return h.rfind("127.", 0) == 0 && h.find_first_not_of("0123456789.") == std::string::npos;
}

OriginGuard::OriginGuard(const HttpConfig& cfg, std::string_view bound_host) {
  const bool loopback = IsLoopbackHost(bound_host);
  std::vector<std::string> hosts = cfg.allowed_hosts;
  if (hosts.empty() && loopback) hosts = LoopbackNames();
  check_hosts_ = !hosts.empty();
  for (const auto& h : hosts) hosts_.push_back(SplitHostPort(h));

  if (!cfg.allowed_origins.empty()) {
    for (const auto& o : cfg.allowed_origins) origins_.push_back(Lower(o));
  } else if (loopback) {
    for (const char* scheme : {"http://", "https://"})
      for (const auto& n : LoopbackNames()) origins_.push_back(std::string(scheme) + n);
  }
  for (const auto& o : cfg.cors_origins) {
    cors_.push_back(Lower(o));
    origins_.push_back(Lower(o));
  }
  // With no list and no loopback default, any origin is accepted (a server
  // bound to a public address that names no origins is not browser-facing).
  check_origins_ = !cfg.allowed_origins.empty() || loopback;
}

bool OriginGuard::HostAllowed(std::string_view host_header) const {
  if (!check_hosts_) return true;
  HostPort got = SplitHostPort(host_header);
  if (got.host.empty()) return false;
  for (const HostPort& h : hosts_)
    if (h.host == got.host && (h.port.empty() || h.port == got.port)) return true;
  return false;
}

bool OriginGuard::OriginAllowed(std::string_view origin) const {
  if (!check_origins_) return true;
  auto [base, port] = SplitOrigin(origin);
  for (const std::string& o : origins_) {
    auto [obase, oport] = SplitOrigin(o);
    if (obase == base && (oport.empty() || oport == port)) return true;
  }
  return false;
}

bool OriginGuard::IsCorsOrigin(std::string_view origin) const {
  auto [base, port] = SplitOrigin(origin);
  for (const std::string& o : cors_) {
    auto [obase, oport] = SplitOrigin(o);
    if (obase == base && (oport.empty() || oport == port)) return true;
  }
  return false;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Compare over the longer length so a prefix match costs the same.
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  // Keep the compiler from shortcutting the loop.
  volatile unsigned char result = diff;
  return result == 0;
}

Result<BearerAuth> BearerAuth::Load(const HttpAuthConfig& cfg) {
  std::vector<std::string> tokens;
  if (!cfg.token_file.empty()) {
    std::ifstream in(cfg.token_file, std::ios::binary);
    if (!in) return Status::Error("server.http.auth.token_file: cannot open " + cfg.token_file);
    std::string line;
    while (std::getline(in, line)) {
      std::string_view t = Trim(line);
      if (t.empty() || t.front() == '#') continue;
      tokens.emplace_back(t);
    }
    if (tokens.empty())
      return Status::Error("server.http.auth.token_file: " + cfg.token_file +
                           " holds no token (one per line; # starts a comment)");
  }
  if (!cfg.token_env.empty()) {
    const char* v = std::getenv(cfg.token_env.c_str());
    std::string_view t = v ? Trim(v) : std::string_view();
    if (t.empty())
      return Status::Error("server.http.auth.token_env: environment variable " + cfg.token_env +
                           " is not set or empty (set it to the bearer token)");
    tokens.emplace_back(t);
  }
  return BearerAuth(std::move(tokens));
}

bool BearerAuth::Check(std::string_view authorization) const {
  authorization = Trim(authorization);
  if (authorization.size() < 7) return false;
  std::string scheme = Lower(authorization.substr(0, 7));
  if (scheme != "bearer ") return false;
  std::string_view presented = Trim(authorization.substr(7));
  bool ok = false;
  for (const std::string& t : tokens_) ok = ConstantTimeEquals(presented, t) | ok;
  return ok;
}

}  // namespace mcph::http
