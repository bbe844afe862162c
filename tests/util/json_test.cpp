// json_test.cpp - util/json.h and util/utf8.h: the checks every message and
// every plugin-supplied JSON text goes through.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "util/json.h"
#include "util/utf8.h"

using mcph::AppendBase64;
using mcph::IsValidJson;
using mcph::IsValidUtf8;
using mcph::kMaxJsonDepth;
using mcph::ParseJson;

namespace {

std::string Nested(int depth, char open = '[', char close = ']') {  // [[[...]]]
  return std::string(static_cast<size_t>(depth), open) + std::string(static_cast<size_t>(depth), close);
}

std::string B64(const std::string& s) {
  std::string out;
  AppendBase64(out, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  return out;
}

}  // namespace

TEST_CASE("ParseJson accepts a plain object and reports offsets on errors", "[util]") {
  rapidjson::Document d;
  REQUIRE(ParseJson(R"({"a":[1,2,{"b":"c"}]})", d).ok());
  REQUIRE(d.IsObject());
  CHECK(d["a"].Size() == 3);

  auto s = ParseJson(R"({"a":1,})", d);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("invalid JSON at offset"));
}

TEST_CASE("ParseJson depth limit: kMaxJsonDepth levels pass, one more is refused", "[util]") {
  rapidjson::Document d;
  CHECK(ParseJson(Nested(kMaxJsonDepth), d).ok());
  auto deep = ParseJson(Nested(kMaxJsonDepth + 1), d);
  REQUIRE_FALSE(deep.ok());
  CHECK_THAT(deep.message(), Catch::Contains("nested deeper"));
  CHECK_FALSE(IsValidJson(Nested(kMaxJsonDepth + 1)));
  CHECK(IsValidJson(Nested(kMaxJsonDepth)));

  // Objects count as levels too.
  std::string obj;
  for (int i = 0; i < kMaxJsonDepth + 1; ++i) obj += "{\"k\":";
  obj += "1";
  for (int i = 0; i < kMaxJsonDepth + 1; ++i) obj += "}";
  CHECK_FALSE(ParseJson(obj, d).ok());

  // Brackets inside strings are not nesting.
  std::string in_string = "[\"" + std::string(500, '[') + "\"]";
  CHECK(ParseJson(in_string, d).ok());
  // Nor are brackets after an escaped quote inside a string.
  std::string escaped = "[\"\\\"" + std::string(500, '{') + "\"]";
  CHECK(ParseJson(escaped, d).ok());
}

TEST_CASE("ParseJson: a very deep document is refused without crashing", "[util]") {
  rapidjson::Document d;
  CHECK_FALSE(ParseJson(Nested(200000), d).ok());
}

TEST_CASE("ParseJson refuses invalid UTF-8", "[util]") {
  rapidjson::Document d;
  CHECK(ParseJson("\"caf\xC3\xA9\"", d).ok());
  CHECK_FALSE(ParseJson("\"caf\xC3\"", d).ok());         // truncated sequence
  CHECK_FALSE(ParseJson("\"\xFF\"", d).ok());            // never valid
  CHECK_FALSE(ParseJson("\"\xC0\xAF\"", d).ok());        // overlong '/'
  CHECK_FALSE(ParseJson("\"\xED\xA0\x80\"", d).ok());    // UTF-16 surrogate
  CHECK_FALSE(ParseJson("{\"k\xFE\":1}", d).ok());       // in a key
  CHECK_FALSE(IsValidJson("[\"\x80\"]"));
}

TEST_CASE("ParseJson refuses trailing garbage", "[util]") {
  rapidjson::Document d;
  CHECK(ParseJson("{} \t\r\n", d).ok());
  CHECK_FALSE(ParseJson("{}x", d).ok());
  CHECK_FALSE(ParseJson("{}{}", d).ok());
  CHECK_FALSE(ParseJson("1 2", d).ok());
  CHECK_FALSE(ParseJson("", d).ok());
  CHECK_FALSE(ParseJson("   ", d).ok());
  CHECK_FALSE(IsValidJson("[1]]"));
}

TEST_CASE("ParseJson refuses garbage hidden behind a NUL byte", "[util]") {
  // The text is length-delimited: a NUL after the value is not the end.
  rapidjson::Document d;
  const std::string text("{}\0{\"x\":1}", 10);
  CHECK_FALSE(ParseJson(text, d).ok());
  CHECK_FALSE(IsValidJson(std::string("[1]\0junk", 8)));
}

TEST_CASE("IsValidJson needs exactly one complete value", "[util]") {
  CHECK(IsValidJson("null"));
  CHECK(IsValidJson("\"s\""));
  CHECK(IsValidJson(" [1, 2.5, true, {\"a\": null}] "));
  CHECK_FALSE(IsValidJson("{not json"));
  CHECK_FALSE(IsValidJson("{\"type\": \"object\""));
}

TEST_CASE("AppendBase64 matches the RFC 4648 test vectors", "[util]") {
  CHECK(B64("") == "");
  CHECK(B64("f") == "Zg==");
  CHECK(B64("fo") == "Zm8=");
  CHECK(B64("foo") == "Zm9v");
  CHECK(B64("foob") == "Zm9vYg==");
  CHECK(B64("fooba") == "Zm9vYmE=");
  CHECK(B64("foobar") == "Zm9vYmFy");
  // High bytes and the last two alphabet characters.
  CHECK(B64(std::string("\xFB\xFF\xBF", 3)) == "+/+/");
  CHECK(B64(std::string("\0\0\0", 3)) == "AAAA");
  CHECK(B64(std::string("\xFF", 1)) == "/w==");
  // Appends, does not overwrite.
  std::string out = "pre:";
  const uint8_t bytes[] = {'h', 'i'};
  AppendBase64(out, bytes, 2);
  CHECK(out == "pre:aGk=");
}

TEST_CASE("IsValidUtf8 is strict", "[util]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("\xC2\x80"));                  // U+0080
  CHECK(IsValidUtf8("\xDF\xBF"));                  // U+07FF
  CHECK(IsValidUtf8("\xE0\xA0\x80"));              // U+0800
  CHECK(IsValidUtf8("\xED\x9F\xBF"));              // U+D7FF
  CHECK(IsValidUtf8("\xEE\x80\x80"));              // U+E000
  CHECK(IsValidUtf8("\xEF\xBF\xBF"));              // U+FFFF
  CHECK(IsValidUtf8("\xF0\x90\x80\x80"));          // U+10000
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  CHECK(IsValidUtf8(std::string("a\0b", 3)));      // NUL is a valid code point

  CHECK_FALSE(IsValidUtf8("\x80"));                // lone continuation
  CHECK_FALSE(IsValidUtf8("\xBF"));
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));            // overlong NUL
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));            // overlong
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));        // overlong 3-byte
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));    // overlong 4-byte
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));        // U+D800 surrogate
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));        // U+DFFF surrogate
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));    // U+110000
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
  CHECK_FALSE(IsValidUtf8("\xFE"));
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("\xE2\x82"));            // truncated at end
  CHECK_FALSE(IsValidUtf8("\xE2\x28\xA1"));        // bad continuation
  CHECK_FALSE(IsValidUtf8("ok\xC3"));              // truncated after valid text
}

TEST_CASE("ToJson prints integer ids as the Writer does", "[unit][json]") {
  // ToJson skips the Writer for integers; the digits must be the same.
  for (const char* text : {"0", "-1", "42", "9007199254740993", "-9223372036854775808", "18446744073709551615",
                           "1.0", "1e3", "-0", "\"7\""}) {
    rapidjson::Document d;
    REQUIRE(ParseJson(text, d).ok());
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d.Accept(w);
    CHECK(mcph::ToJson(d) == std::string(buf.GetString(), buf.GetSize()));
  }
  rapidjson::Document d;
  REQUIRE(ParseJson("123", d).ok());
  CHECK(mcph::ToJson(d) == "123");
}
