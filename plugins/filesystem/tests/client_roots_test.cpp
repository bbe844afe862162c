// client_roots_test.cpp - allowed directories that follow the client's roots
// (mcpp_call.roots_json, and the roots/list input request on 2026-07-28
// requests): URI parsing, intersect / replace / ignore, skipped roots, the
// cache, and that confinement holds whatever the client shares.
#include <catch2/catch.hpp>

#include <algorithm>

#include "client_roots.hpp"
#include "fake_host.hpp"
#include "fs_internal.hpp"
#include "test_util.hpp"

using namespace fstest;

namespace {

struct Tree {
  TempDir t;
  std::string conf, inner, outside;
  Tree() {
    conf = t / "conf";
    inner = conf + "/inner";
    outside = t / "outside";
    mkdirs(inner);
    mkdirs(conf + "/with space");
    mkdirs(outside);
    spit(conf + "/top.txt", "top\n");
    spit(inner + "/in.txt", "in\n");
    spit(outside + "/secret.txt", "s3cr3t-content\n");
    // A directory inside the configured root that leads out.
    if (::symlink(outside.c_str(), (conf + "/link-out").c_str()) != 0) throw std::runtime_error("symlink");
  }
};

std::string uri(const std::string& path) { return "file://" + path; }
std::string roots(std::initializer_list<std::string> uris) {
  std::string out = "[";
  for (const auto& u : uris) out += (out.size() > 1 ? "," : "") + std::string("{\"uri\":") + q(u) + "}";
  return out + "]";
}
std::string P(const std::string& path) { return "{\"path\":" + q(path) + "}"; }
CallOptions legacy(const std::string& roots_json) {
  CallOptions o;
  o.roots_json = roots_json;
  return o;
}
std::string allowed(const FakeHost& h, const CallOptions& o) {
  return h.call("list_allowed_directories", "{}", o).text();
}
size_t log_count(const FakeHost& h, const std::string& needle) {
  return static_cast<size_t>(std::count_if(h.logs.begin(), h.logs.end(), [&](const std::string& l) {
    return l.find(needle) != std::string::npos;
  }));
}

}  // namespace

TEST_CASE("file:// URIs become absolute paths; anything else is refused", "[roots]") {
  using fsplug::file_uri_to_path;
  std::string p, why;
  CHECK(file_uri_to_path("file:///srv/data", &p, &why));
  CHECK(p == "/srv/data");
  CHECK(file_uri_to_path("file://localhost/srv/a%20b/", &p, &why));
  CHECK(p == "/srv/a b");
  CHECK(file_uri_to_path("FILE:///srv/x/../y?q=1#frag", &p, &why));
  CHECK(p == "/srv/y");
  CHECK(file_uri_to_path("file:///", &p, &why));
  CHECK(p == "/");
  CHECK_FALSE(file_uri_to_path("https://example.com/srv", &p, &why));
  CHECK(why == "not a file:// URI");
  CHECK_FALSE(file_uri_to_path("/srv/data", &p, &why));  // a plain path is not a URI
  CHECK_FALSE(file_uri_to_path("file://otherhost/srv", &p, &why));
  CHECK(why.find("otherhost") != std::string::npos);
  CHECK_FALSE(file_uri_to_path("file://", &p, &why));
  CHECK_FALSE(file_uri_to_path("file:///srv%2Fetc", &p, &why));
  CHECK_FALSE(file_uri_to_path("file:///srv/%00x", &p, &why));
  CHECK_FALSE(file_uri_to_path("file:///srv/%ff", &p, &why));  // not UTF-8
}

TEST_CASE("intersect (the default): client roots narrow the configured roots", "[roots]") {
  Tree f;
  FakeHost h(config_for(f.conf));
  REQUIRE(h.create_status() == MCPP_OK);

  // No client roots: the configured ones.
  CHECK(allowed(h, {}) == "Allowed directories:\n" + f.conf);

  // A client root inside: only it.
  auto in = legacy(roots({uri(f.inner)}));
  CHECK(allowed(h, in) == "Allowed directories:\n" + f.inner);
  CHECK(h.call("read_text_file", P(f.inner + "/in.txt"), in).text() == "in\n");
  CHECK(h.call("read_text_file", P("in.txt"), in).text() == "in\n");  // relative to the client root
  Outcome top = h.call("read_text_file", P(f.conf + "/top.txt"), in);
  CHECK(top.failed());
  CHECK(top.text().find("Access denied") != std::string::npos);
  CHECK(top.text().find(f.inner) != std::string::npos);
  // The configured roots still apply to calls without client roots.
  CHECK(h.call("read_text_file", P(f.conf + "/top.txt")).text() == "top\n");

  // A percent-encoded client root.
  CHECK(allowed(h, legacy(roots({"file://" + f.conf + "/with%20space"}))) ==
        "Allowed directories:\n" + f.conf + "/with space");

  // A client root containing the configured root: the configured root.
  CHECK(allowed(h, legacy(roots({uri(f.t.path)}))) == "Allowed directories:\n" + f.conf);

  // A client root outside: nothing is allowed, and calls say why.
  auto out = legacy(roots({uri(f.outside)}));
  CHECK(allowed(h, out) == "Allowed directories:");
  Outcome secret = h.call("read_text_file", P(f.outside + "/secret.txt"), out);
  CHECK(secret.failed());
  CHECK(secret.text().find("none of the client's roots lies inside the configured roots") != std::string::npos);
  CHECK(log_count(h, "is outside the configured roots") == 1);

  // Inside and outside together: the inside one.
  CHECK(allowed(h, legacy(roots({uri(f.outside), uri(f.inner)}))) == "Allowed directories:\n" + f.inner);
}

TEST_CASE("client roots that do not exist, are not directories or not file:// are skipped", "[roots]") {
  Tree f;
  FakeHost h(config_for(f.conf));
  auto bad = legacy(roots({uri(f.conf + "/missing"), uri(f.conf + "/top.txt"), "https://example.com/x",
                           "file://elsewhere" + f.inner}));
  // Nothing usable: the configured roots stay (the reference keeps its
  // directories when the client sends no valid root).
  CHECK(allowed(h, bad) == "Allowed directories:\n" + f.conf);
  CHECK(log_count(h, "skipping client root " + uri(f.conf + "/missing") + ": ENOENT") == 1);
  CHECK(log_count(h, "skipping client root " + uri(f.conf + "/top.txt") + ": not a directory") == 1);
  CHECK(log_count(h, "skipping client root https://example.com/x: not a file:// URI") == 1);
  CHECK(log_count(h, "names another machine") == 1);
  CHECK(log_count(h, "no valid root directory provided by the client") == 1);

  // One usable among them: it alone.
  auto mixed = legacy(roots({uri(f.conf + "/missing"), uri(f.inner)}));
  CHECK(allowed(h, mixed) == "Allowed directories:\n" + f.inner);

  // Malformed roots JSON: ignored, configured roots stay.
  CHECK(allowed(h, legacy("{\"uri\":1}")) == "Allowed directories:\n" + f.conf);
  CHECK(allowed(h, legacy("[{\"name\":\"no uri\"}]")) == "Allowed directories:\n" + f.conf);
}

TEST_CASE("client roots are canonicalised once per distinct roots JSON", "[roots]") {
  Tree f;
  FakeHost h(config_for(f.conf));
  auto bad = legacy(roots({uri(f.conf + "/missing"), uri(f.inner)}));
  for (int i = 0; i < 5; ++i) CHECK(h.call("read_text_file", P(f.inner + "/in.txt"), bad).text() == "in\n");
  CHECK(log_count(h, "skipping client root") == 1);  // derived once, then cached
  // A new list is derived anew (list_changed), and the old one still answers.
  auto other = legacy(roots({uri(f.conf + "/with space")}));
  CHECK(allowed(h, other) == "Allowed directories:\n" + f.conf + "/with space");
  CHECK(allowed(h, bad) == "Allowed directories:\n" + f.inner);
  CHECK(log_count(h, "skipping client root") == 1);
  // Many distinct lists: the cache stays bounded and answers stay right.
  for (int i = 0; i < 40; ++i) {
    std::string j = "[{\"uri\":" + q(uri(f.inner)) + ",\"name\":\"n" + std::to_string(i) + "\"}]";
    CHECK(allowed(h, legacy(j)) == "Allowed directories:\n" + f.inner);
  }
  CHECK(allowed(h, bad) == "Allowed directories:\n" + f.inner);
}

TEST_CASE("confinement holds with client roots: no escape via / or a symlinked root", "[roots][escape]") {
  Tree f;
  for (const char* mode : {"intersect", "ignore"}) {
    INFO(mode);
    FakeHost h(config_for(f.conf, std::string(",\"client_roots\":\"") + mode + "\""));
    REQUIRE(h.create_status() == MCPP_OK);
    auto slash = legacy(roots({"file:///"}));
    CHECK(allowed(h, slash) == "Allowed directories:\n" + f.conf);
    for (const std::string& p : {std::string("/etc/passwd"), f.outside + "/secret.txt",
                                 f.conf + "/../outside/secret.txt", f.conf + "/link-out/secret.txt"}) {
      INFO(p);
      Outcome o = h.call("read_text_file", P(p), slash);
      CHECK(o.failed());
      CHECK(o.text().find("s3cr3t") == std::string::npos);
    }
    CHECK(h.call("list_directory", P("/"), slash).failed());
    CHECK(h.call("search_files", "{\"path\":\"/\",\"pattern\":\"**/secret.txt\"}", slash).failed());
    // A client root that is a symlink inside the configured root leading out.
    auto link = legacy(roots({uri(f.conf + "/link-out")}));
    Outcome o = h.call("read_text_file", P(f.conf + "/link-out/secret.txt"), link);
    CHECK(o.failed());
    CHECK(o.text().find("s3cr3t") == std::string::npos);
    CHECK(h.call("read_text_file", P(f.outside + "/secret.txt"), link).failed());
    // Writes cannot land outside either.
    Outcome w = h.call("write_file", "{\"path\":" + q(f.outside + "/new.txt") + ",\"content\":\"x\"}", slash);
    CHECK(w.failed());
    CHECK_FALSE(exists(f.outside + "/new.txt"));
  }
}

TEST_CASE("ignore keeps the configured roots whatever the client shares", "[roots]") {
  Tree f;
  FakeHost h(config_for(f.conf, ",\"client_roots\":\"ignore\""));
  CHECK(allowed(h, legacy(roots({uri(f.inner)}))) == "Allowed directories:\n" + f.conf);
  CHECK(allowed(h, legacy(roots({uri(f.outside)}))) == "Allowed directories:\n" + f.conf);
  CHECK(h.call("read_text_file", P(f.outside + "/secret.txt"), legacy(roots({uri(f.outside)}))).failed());
  CHECK(log_count(h, "client root") == 0);  // not even looked at
}

TEST_CASE("replace uses the client's roots instead of the configured ones", "[roots]") {
  Tree f;
  FakeHost h(config_for(f.conf, ",\"client_roots\":\"replace\""));
  auto out = legacy(roots({uri(f.outside)}));
  CHECK(allowed(h, out) == "Allowed directories:\n" + f.outside);
  CHECK(h.call("read_text_file", P(f.outside + "/secret.txt"), out).text() == "s3cr3t-content\n");
  CHECK(h.call("read_text_file", P(f.conf + "/top.txt"), out).failed());  // no longer allowed
  // A symlinked client root is shown by its path and its target, like a configured one.
  auto link = legacy(roots({uri(f.conf + "/link-out")}));
  CHECK(allowed(h, link) == "Allowed directories:\n" + f.conf + "/link-out\n" + f.outside);
  // Nothing usable: the configured roots stay.
  CHECK(allowed(h, legacy(roots({uri(f.conf + "/missing")}))) == "Allowed directories:\n" + f.conf);

  // With no configured root at all, only client roots serve.
  FakeHost bare("{\"client_roots\":\"replace\"}");
  REQUIRE(bare.create_status() == MCPP_OK);
  CHECK(bare.call("read_text_file", P(f.inner + "/in.txt")).failed());
  CHECK(bare.call("read_text_file", P(f.inner + "/in.txt"), legacy(roots({uri(f.inner)}))).text() == "in\n");
  // Replace still confines to the client's roots.
  CHECK(bare.call("read_text_file", P(f.conf + "/top.txt"), legacy(roots({uri(f.inner)}))).failed());
}

TEST_CASE("modern requests ask for roots with an input request when configured", "[roots]") {
  Tree f;
  CallOptions modern;
  modern.protocol_version = "2026-07-28";
  modern.capabilities = "{\"roots\":{}}";

  FakeHost ask(config_for(f.conf, ",\"client_roots_modern\":\"ask\""));
  REQUIRE(ask.create_status() == MCPP_OK);
  Outcome first = ask.call("read_text_file", P(f.inner + "/in.txt"), modern);
  CHECK_FALSE(first.failed());
  CHECK(first.blocks.empty());
  REQUIRE(first.input_requests.size() == 1);
  CHECK(first.input_requests[0] == "roots roots/list {}");

  CallOptions answered = modern;
  answered.input_responses = "{\"roots\":{\"roots\":" + roots({uri(f.inner)}) + "}}";
  CHECK(ask.call("read_text_file", P(f.inner + "/in.txt"), answered).text() == "in\n");
  CHECK(ask.call("read_text_file", P(f.conf + "/top.txt"), answered).failed());
  Outcome listed = ask.call("list_allowed_directories", "{}", answered);
  CHECK(listed.text() == "Allowed directories:\n" + f.inner);
  CHECK(listed.structured == "{\"directories\":[" + q(f.inner) + "]}");

  // A malformed answer: ask again rather than fail.
  CallOptions malformed = modern;
  malformed.input_responses = "{\"roots\":{\"nope\":1}}";
  Outcome again = ask.call("read_text_file", P(f.inner + "/in.txt"), malformed);
  CHECK(again.input_requests.size() == 1);
  CHECK(again.blocks.empty());

  // The resource template asks too; prompts never ask.
  CHECK(ask.read("file://" + f.inner + "/in.txt", "{\"path\":" + q(f.inner.substr(1) + "/in.txt") + "}", modern)
            .input_requests.size() == 1);
  CHECK(ask.prompt("explore_directory", "{}", modern).input_requests.empty());

  // No roots capability, or a legacy request: no question, the configured roots.
  CallOptions no_cap = modern;
  no_cap.capabilities = "{}";
  Outcome o = ask.call("read_text_file", P(f.conf + "/top.txt"), no_cap);
  CHECK(o.input_requests.empty());
  CHECK(o.text() == "top\n");
  CallOptions old;
  old.capabilities = "{\"roots\":{}}";
  CHECK(ask.call("read_text_file", P(f.conf + "/top.txt"), old).input_requests.empty());

  // Without client_roots_modern: ask (the default), modern requests never ask.
  FakeHost quiet(config_for(f.conf));
  Outcome q1 = quiet.call("read_text_file", P(f.conf + "/top.txt"), modern);
  CHECK(q1.input_requests.empty());
  CHECK(q1.text() == "top\n");
  // ... and client_roots: ignore never asks either.
  FakeHost ignore(config_for(f.conf, ",\"client_roots\":\"ignore\",\"client_roots_modern\":\"ask\""));
  CHECK(ignore.call("read_text_file", P(f.conf + "/top.txt"), modern).input_requests.empty());
}

TEST_CASE("client_roots config keys are checked", "[roots][config]") {
  Tree f;
  CHECK(FakeHost(config_for(f.conf, ",\"client_roots\":\"merge\"")).create_status() != MCPP_OK);
  CHECK(FakeHost(config_for(f.conf, ",\"client_roots\":true")).create_status() != MCPP_OK);
  CHECK(FakeHost(config_for(f.conf, ",\"client_roots_modern\":1")).create_status() != MCPP_OK);
  CHECK(FakeHost(config_for(f.conf, ",\"client_roots_modern\":\"sometimes\"")).create_status() != MCPP_OK);
  FakeHost ok(config_for(f.conf, ",\"client_roots\":\"replace\",\"client_roots_modern\":\"ignore\""));
  CHECK(ok.create_status() == MCPP_OK);
  CHECK(log_count(ok, "unknown config key") == 0);
}
