// uri_template_test.cpp - the RFC 6570 subset resource templates use.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "catalog/uri_template.h"

using mcph::UriTemplate;
using Vars = std::vector<std::pair<std::string, std::string>>;

namespace {

UriTemplate Parsed(const char* text) {
  auto r = UriTemplate::Parse(text);
  INFO(text << ": " << (r.ok() ? std::string() : r.error()));
  REQUIRE(r.ok());
  return r.value();
}

std::string ParseError(const char* text) {
  auto r = UriTemplate::Parse(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace

TEST_CASE("UriTemplate parses literals, {var} and {+var}", "[catalog]") {
  CHECK(Parsed("test://static").text() == "test://static");
  CHECK(Parsed("test://static").prefix() == "test://static");
  CHECK(Parsed("test://items/{id}").prefix() == "test://items/");
  CHECK(Parsed("{scheme}://x").prefix().empty());
  Parsed("file:///{+path}");
  Parsed("db://{table}/rows/{row_id}");
  Parsed("x://{a.b}/{c_d}");
}

TEST_CASE("UriTemplate refuses what it does not support", "[catalog]") {
  CHECK_THAT(ParseError("test://{id"), Catch::Contains("unmatched '{'"));
  CHECK_THAT(ParseError("test://id}"), Catch::Contains("unmatched '}'"));
  CHECK_THAT(ParseError("test://{}"), Catch::Contains("empty expression"));
  CHECK_THAT(ParseError("test://{+}"), Catch::Contains("empty expression"));
  for (const char* t : {"test://{?q}", "test://{#f}", "test://{/p}", "test://{;m}", "test://{&x}", "test://{a,b}",
                        "test://{x*}", "test://{x:3}", "test://{a b}"}) {
    CHECK_THAT(ParseError(t), Catch::Contains("not supported"));
  }
  CHECK_THAT(ParseError("test://{a}{b}"), Catch::Contains("literal between"));
  CHECK_THAT(ParseError("test://{id"), Catch::Contains("test://{id"));  // names the template
}

TEST_CASE("UriTemplate refuses RFC 6570 label expansion {.var}", "[catalog]") {
  // '.' is the label-expansion operator when it starts an expression; a
  // varname may contain '.' but not begin with it (RFC 6570 section 2.3).
  CHECK_FALSE(UriTemplate::Parse("test://file{.ext}").ok());
}

TEST_CASE("UriTemplate simple variables match one segment and are percent-decoded", "[catalog]") {
  UriTemplate t = Parsed("test://items/{id}");
  Vars v;
  REQUIRE(t.Match("test://items/42", v));
  CHECK(v == Vars{{"id", "42"}});
  REQUIRE(t.Match("test://items/a%2Fb%20c", v));
  CHECK(v == Vars{{"id", "a/b c"}});
  CHECK_FALSE(t.Match("test://items/", v));        // empty value
  CHECK_FALSE(t.Match("test://items/a/b", v));     // '/' in a simple value
  CHECK_FALSE(t.Match("test://items/a?b", v));
  CHECK_FALSE(t.Match("test://items/a#b", v));
  CHECK_FALSE(t.Match("test://other/42", v));
  CHECK_FALSE(t.Match("test://items", v));
  CHECK(v.empty());  // cleared on a failed match
}

TEST_CASE("UriTemplate reserved variables take the rest, slashes included", "[catalog]") {
  UriTemplate t = Parsed("file:///{+path}");
  Vars v;
  REQUIRE(t.Match("file:///srv/data/a%20b.txt", v));
  CHECK(v == Vars{{"path", "srv/data/a%20b.txt"}});  // not decoded
  CHECK_FALSE(t.Match("file:///", v));

  UriTemplate mid = Parsed("repo://{+path}/blob");
  REQUIRE(mid.Match("repo://a/b/c/blob", v));
  CHECK(v == Vars{{"path", "a/b/c"}});
  CHECK_FALSE(mid.Match("repo://a/b/c", v));
}

TEST_CASE("UriTemplate with several variables", "[catalog]") {
  UriTemplate t = Parsed("db://{table}/rows/{row}");
  Vars v;
  REQUIRE(t.Match("db://users/rows/7", v));
  CHECK(v == Vars{{"table", "users"}, {"row", "7"}});
  CHECK_FALSE(t.Match("db://users/rows/7/extra", v));
  CHECK_FALSE(t.Match("db://users/cols/7", v));

  UriTemplate dotted = Parsed("x://{name}.{ext}");
  REQUIRE(dotted.Match("x://report.tar.gz", v));
  CHECK(v == Vars{{"name", "report"}, {"ext", "tar.gz"}});
}

TEST_CASE("UriTemplate literal templates match only themselves", "[catalog]") {
  UriTemplate t = Parsed("test://static");
  Vars v;
  CHECK(t.Match("test://static", v));
  CHECK(v.empty());
  CHECK_FALSE(t.Match("test://static/", v));
  CHECK_FALSE(t.Match("test://stati", v));
}
