// http_guard_test.cpp - Host/Origin allow-lists, CORS origins and bearer auth.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "temp_dir.h"
#include "transport/http/request_guard.h"

using namespace mcph::http;

TEST_CASE("SplitHostPort and IsLoopbackHost", "[http]") {
  CHECK(SplitHostPort("LocalHost:8080").host == "localhost");
  CHECK(SplitHostPort("LocalHost:8080").port == "8080");
  CHECK(SplitHostPort("[::1]:99").host == "[::1]");
  CHECK(SplitHostPort("[::1]:99").port == "99");
  CHECK(SplitHostPort("example.com").port.empty());
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.1.2.3"));
  CHECK(IsLoopbackHost("[::1]"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
  CHECK_FALSE(IsLoopbackHost("127.evil.com"));
}

TEST_CASE("bound to loopback: the loopback names with any port, nothing else", "[http]") {
  mcph::HttpConfig cfg;
  OriginGuard g(cfg, "127.0.0.1");
  CHECK(g.HostAllowed("127.0.0.1:8080"));
  CHECK(g.HostAllowed("localhost:1"));
  CHECK(g.HostAllowed("[::1]:443"));
  CHECK(g.HostAllowed("localhost"));
  CHECK_FALSE(g.HostAllowed("evil.example.com"));
  CHECK_FALSE(g.HostAllowed("evil.example.com:8080"));
  CHECK_FALSE(g.HostAllowed(""));
  CHECK(g.OriginAllowed("http://localhost:3000"));
  CHECK(g.OriginAllowed("https://127.0.0.1"));
  CHECK_FALSE(g.OriginAllowed("http://evil.example.com"));
  CHECK_FALSE(g.OriginAllowed("null"));
  CHECK_FALSE(g.IsCorsOrigin("http://localhost:3000"));
}

TEST_CASE("bound elsewhere without lists: no Host or Origin check", "[http]") {
  mcph::HttpConfig cfg;
  OriginGuard g(cfg, "0.0.0.0");
  CHECK(g.HostAllowed("10.1.2.3:8080"));
  CHECK(g.OriginAllowed("https://anything.example"));
}

TEST_CASE("configured hosts, origins and CORS origins", "[http]") {
  mcph::HttpConfig cfg;
  cfg.allowed_hosts = {"mcp.example.com", "api.example.com:8443"};
  cfg.allowed_origins = {"https://app.example.com"};
  cfg.cors_origins = {"https://ui.example.com:3000"};
  OriginGuard g(cfg, "127.0.0.1");
  CHECK(g.HostAllowed("MCP.example.com:9"));
  CHECK(g.HostAllowed("api.example.com:8443"));
  CHECK_FALSE(g.HostAllowed("api.example.com:8444"));
  CHECK_FALSE(g.HostAllowed("localhost:8080"));  // an explicit list replaces the default
  CHECK(g.OriginAllowed("https://app.example.com:1234"));
  CHECK(g.OriginAllowed("https://ui.example.com:3000"));
  CHECK_FALSE(g.OriginAllowed("http://app.example.com"));
  CHECK(g.IsCorsOrigin("https://ui.example.com:3000"));
  CHECK_FALSE(g.IsCorsOrigin("https://ui.example.com:3001"));
  CHECK_FALSE(g.IsCorsOrigin("https://app.example.com"));
}

TEST_CASE("constant-time comparison", "[http]") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK_FALSE(ConstantTimeEquals("", "a"));
  CHECK(ConstantTimeEquals("", ""));
}

TEST_CASE("bearer tokens from a file and the environment", "[http]") {
  // A folder of this process's own: test processes run side by side.
  test_support::TempDir dir("http_guard_test");
  const std::string file = dir.Write("tokens.txt", "# tokens\n\n  file-token-1  \nfile-token-2\n");
  ::setenv("MCPHOST_HTTP_TEST_TOKEN", "env-token", 1);
  mcph::HttpAuthConfig cfg;
  cfg.token_file = file;
  cfg.token_env = "MCPHOST_HTTP_TEST_TOKEN";
  auto auth = BearerAuth::Load(cfg);
  REQUIRE(auth.ok());
  CHECK(auth->enabled());
  CHECK(auth->Check("Bearer file-token-1"));
  CHECK(auth->Check("bearer file-token-2"));
  CHECK(auth->Check("Bearer env-token"));
  CHECK_FALSE(auth->Check("Bearer file-token"));
  CHECK_FALSE(auth->Check("Basic file-token-1"));
  CHECK_FALSE(auth->Check(""));
  CHECK_FALSE(auth->Check("Bearer "));

  CHECK_FALSE(BearerAuth::Load(mcph::HttpAuthConfig{}).value().enabled());
  mcph::HttpAuthConfig missing;
  missing.token_env = "MCPHOST_HTTP_TEST_UNSET_VAR";
  ::unsetenv("MCPHOST_HTTP_TEST_UNSET_VAR");
  CHECK_FALSE(BearerAuth::Load(missing).ok());
}
