// status_page_test.cpp - the operator status page: HTML escaping, the
// metrics registry's recent-errors ring and rate window, rendering from
// hand-made data (hostile text stays text), and GET / on a live server
// (off by default, Host/auth guards, plugins listed, counts that move).
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "http_test_support.h"
#include "observability/metrics.h"
#include "transport/http/status_page.h"

using namespace http_test;  // Served, Do, PostMcp, ModernHeaders

namespace {

const char* kMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

// The number in <dd id="ID">N</dd>, or -1.
long long Figure(const std::string& html, const std::string& id) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("<dd id=\"" + id + "\">([0-9.]+)</dd>"))) return -1;
  return std::stoll(m[1]);
}

std::string CallEcho(const std::string& text, int id) {
  return std::string(R"({"jsonrpc":"2.0","id":)") + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":"echo","arguments":{"text":")" + text + R"("},)" + kMeta + "}}";
}

}  // namespace

TEST_CASE("status page: HtmlEscape", "[status_page]") {
  using mcph::http::HtmlEscape;
  CHECK(HtmlEscape("<script>alert('x&y')</script>\"") ==
        "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;");
  CHECK(HtmlEscape("caf\xC3\xA9 \xE2\x9C\x93") == "caf\xC3\xA9 \xE2\x9C\x93");  // valid UTF-8 kept
  CHECK(HtmlEscape("a\xFF" "b") == "a\xEF\xBF\xBD" "b");                     // a stray byte
  CHECK(HtmlEscape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
  CHECK(HtmlEscape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(HtmlEscape(std::string("x\0y", 3)) == "x\xEF\xBF\xBDy");
  CHECK(HtmlEscape("tab\there\nline") == "tab\there\nline");
}

TEST_CASE("status page: recent errors ring keeps the newest, bounded", "[status_page][metrics]") {
  mcph::Metrics m;
  m.RecordRequest("tools/list", 1, 0.001, false);
  CHECK(m.RecentErrors().empty());  // successes never enter the ring
  const size_t n = mcph::Metrics::kRecentErrors + 8;
  for (size_t i = 0; i < n; ++i)
    m.RecordRequest("tools/call", static_cast<int>(i % 2), 0.001, true, -32602, "error " + std::to_string(i));
  auto errors = m.RecentErrors();
  REQUIRE(errors.size() == mcph::Metrics::kRecentErrors);
  CHECK(errors.front().message == "error " + std::to_string(n - 1));
  CHECK(errors.back().message == "error " + std::to_string(n - mcph::Metrics::kRecentErrors));
  CHECK(errors.front().code == -32602);
  CHECK(errors.front().method == "tools/call");
  CHECK(errors.front().era == static_cast<int>((n - 1) % 2));
  m.RecordRequest("x", 0, 0, true, 1, std::string(5000, 'm'));
  CHECK(m.RecentErrors().front().message.size() == mcph::Metrics::kMaxErrorMessage);
  CHECK(m.RecentErrors().front().method == "x");

  uint64_t total = 0, errs = 0;
  for (const auto& r : m.Requests()) {
    total += r.count;
    errs += r.errors;
  }
  CHECK(total == n + 2);
  CHECK(errs == n + 1);
}

TEST_CASE("status page: the rate window counts whole past seconds", "[status_page][metrics]") {
  mcph::Metrics m;
  for (int i = 0; i < 7; ++i) m.RecordRequest("ping", 0, 0, false);
  // The current second is excluded; wait for it to pass (at most ~1 s).
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1100);
  while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(m.RequestsInLast(60) == 7);
}

TEST_CASE("status page: renders the data and escapes every text", "[status_page]") {
  mcph::http::StatusData d;
  d.server_name = "prod<1>";
  d.server_version = "0.1.0";
  d.abi_version = 1;
  d.uptime_seconds = 3723;
  mcph::http::StatusPlugin p;
  p.name = "echo";
  p.id = "dev.mcphost.echo";
  p.version = "1.2.3";
  p.path = "/lib/<evil>.so";
  p.tools = 1;
  d.plugins.push_back(p);
  mcph::http::StatusPlugin failed;
  failed.health = "failed";
  failed.detail = "plugins[2]: cannot open <img src=x onerror=alert(1)>";
  d.plugins.push_back(failed);
  d.tools.push_back({"echo", "echo", "Echo \"quoted\"", 5, 1});
  d.resources.push_back({"file:///a&b", "fs", "text/plain", 0, 0});
  d.requests.push_back({"tools/call", 1, 5, 1, 0.01});
  d.requests_total = 5;
  d.errors_total = 1;
  mcph::RecentError e;
  e.unix_ms = 0;
  e.method = "tools/call";
  e.code = -32602;
  e.message = "Unknown tool '<script>alert(1)</script>'";
  d.recent_errors.push_back(e);

  std::string html = mcph::http::RenderStatusPage(d);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("prod&lt;1&gt;"));
  CHECK_THAT(html, Catch::Contains("dev.mcphost.echo"));
  CHECK_THAT(html, Catch::Contains("1.2.3"));
  CHECK_THAT(html, Catch::Contains("/lib/&lt;evil&gt;.so"));
  CHECK_THAT(html, Catch::Contains("<span class=\"badge ok\">ok</span>"));
  CHECK_THAT(html, Catch::Contains("<span class=\"badge failed\">failed</span>"));
  CHECK_THAT(html, Catch::Contains("cannot open &lt;img src=x onerror=alert(1)&gt;"));
  CHECK_THAT(html, Catch::Contains("Echo &quot;quoted&quot;"));
  CHECK_THAT(html, Catch::Contains("file:///a&amp;b"));
  CHECK_THAT(html, Catch::Contains("Unknown tool &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"));
  CHECK_THAT(html, Catch::Contains("1970-01-01 00:00:00.000Z"));
  CHECK_THAT(html, Catch::Contains("01:02:03"));  // uptime
  CHECK(Figure(html, "requests-total") == 5);
  CHECK(Figure(html, "errors-total") == 1);
  // No markup from the data, no scripts, no external assets.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
}

TEST_CASE("status page: GET / is off unless enabled", "[status_page][http]") {
  Served s;
  CHECK(Do(s.port, bhttp::verb::get, "/", "").status == 404);
}

TEST_CASE("status page: GET / on a live server", "[status_page][http]") {
  mcph::HttpConfig cfg;
  cfg.status_page = true;
  Served s(cfg);

  auto page = Do(s.port, bhttp::verb::get, "/", "", {}, false);
  REQUIRE(page.status == 200);
  CHECK_THAT(page.header("Content-Type"), Catch::StartsWith("text/html"));
  CHECK_THAT(page.header("Content-Security-Policy"), Catch::Contains("default-src 'none'"));
  CHECK_THAT(page.body, Catch::Contains("dev.mcphost.echo"));
  CHECK_THAT(page.body, Catch::Contains("<td>1.0.0</td>"));
  CHECK_THAT(page.body, Catch::Contains("mcphost://status"));  // the host's own resource, in the catalog
  // The misbehaving fixture had registrations refused: degraded, with the reasons listed.
  CHECK_THAT(page.body, Catch::Contains("<tr class=\"plugin degraded\"><td>misbehaving</td>"));
  CHECK_THAT(page.body, Catch::Contains("refused: "));
  CHECK_THAT(page.body, Catch::Contains("<tr class=\"plugin ok\"><td>echo</td>"));
  long long before = Figure(page.body, "requests-total");
  REQUIRE(before >= 0);

  for (int i = 0; i < 3; ++i) REQUIRE(PostMcp(s.port, CallEcho("hi", i + 1), ModernHeaders("tools/call", "echo")).status == 200);
  // A failing request: an unknown tool.
  auto bad = std::string(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"no_such_<tool>","arguments":{},)") +
             kMeta + "}}";
  PostMcp(s.port, bad, ModernHeaders("tools/call", "no_such_<tool>"));

  auto after = Do(s.port, bhttp::verb::get, "/", "", {}, false);
  REQUIRE(after.status == 200);
  CHECK(Figure(after.body, "requests-total") == before + 4);
  CHECK(Figure(after.body, "errors-total") >= 1);
  CHECK_THAT(after.body, Catch::Contains("no_such_&lt;tool&gt;"));  // in the recent errors, escaped
  CHECK(after.body.find("no_such_<tool>") == std::string::npos);
  // The echo tool's own row: 3 calls, 0 errors.
  CHECK(std::regex_search(after.body, std::regex("<td>echo</td><td>echo</td><td>[^<]*</td><td>3</td><td>0</td>")));

  // Guards: a foreign Host or Origin is refused; HEAD has no body; POST is not allowed.
  CHECK(Do(s.port, bhttp::verb::get, "/", "", {{"Host", "evil.example:80"}}, false).status == 403);
  CHECK(Do(s.port, bhttp::verb::get, "/", "", {{"Origin", "http://evil.example"}}, false).status == 403);
  auto head = Do(s.port, bhttp::verb::head, "/", "", {}, false);
  CHECK(head.status == 200);
  CHECK(Do(s.port, bhttp::verb::post, "/", "x", {}, false).status == 405);
}

TEST_CASE("status page: bearer auth applies to GET /", "[status_page][http]") {
  ::setenv("MCPHOST_STATUS_PAGE_TEST_TOKEN", "t0ken", 1);
  mcph::HttpConfig cfg;
  cfg.status_page = true;
  cfg.auth.token_env = "MCPHOST_STATUS_PAGE_TEST_TOKEN";
  Served s(cfg);
  auto none = Do(s.port, bhttp::verb::get, "/", "", {}, false);
  CHECK(none.status == 401);
  CHECK_THAT(none.header("WWW-Authenticate"), Catch::StartsWith("Bearer"));
  CHECK(none.body.find("echo") == std::string::npos);
  CHECK(Do(s.port, bhttp::verb::get, "/", "", {{"Authorization", "Bearer wrong"}}, false).status == 401);
  auto ok = Do(s.port, bhttp::verb::get, "/", "", {{"Authorization", "Bearer t0ken"}}, false);
  CHECK(ok.status == 200);
  CHECK_THAT(ok.body, Catch::Contains("dev.mcphost.echo"));
}
