// id_scanner_test.cpp - reading a message's top-level "id" without parsing it.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/id_scanner.h"

using mcph::IdScanner;

namespace {

std::string Scan(const std::string& text) {
  IdScanner s;
  s.Feed(text);
  return s.id_json();
}

// Feeds one byte at a time: chunk boundaries must not matter.
std::string ScanBytewise(const std::string& text) {
  IdScanner s;
  for (char c : text) s.Feed(std::string_view(&c, 1));
  return s.id_json();
}

}  // namespace

TEST_CASE("IdScanner reads string and number ids", "[protocol]") {
  CHECK(Scan(R"({"jsonrpc":"2.0","id":1,"method":"ping"})") == "1");
  CHECK(Scan(R"({"jsonrpc":"2.0","id":"abc","method":"ping"})") == R"("abc")");
  CHECK(Scan(R"({"id":-12.5e3,"method":"x"})") == "-12.5e3");
  CHECK(Scan(R"({ "id" : 42 })") == "42");
  CHECK(Scan("{\n\t\"id\"\r\n:\n\"x\"\n}") == R"("x")");
  CHECK(Scan(R"({"id":"with \"escaped\" quotes","m":1})") == R"("with \"escaped\" quotes")");
  CHECK(Scan(R"({"id":"a\\","m":1})") == R"("a\\")");
}

TEST_CASE("IdScanner finds an id that comes after a large payload", "[protocol]") {
  std::string big(100000, 'x');
  std::string msg = R"({"jsonrpc":"2.0","method":"tools/call","params":{"name":"echo","arguments":{"text":")" + big +
                    R"("}},"id":"late-id"})";
  CHECK(Scan(msg) == R"("late-id")");
  CHECK(ScanBytewise(msg) == R"("late-id")");
}

TEST_CASE("IdScanner ignores ids that are not at the top level", "[protocol]") {
  CHECK(Scan(R"({"params":{"id":5},"method":"x"})") == "");
  CHECK(Scan(R"({"params":{"id":5},"id":6})") == "6");
  CHECK(Scan(R"({"params":[{"id":5}],"id":"top"})") == R"("top")");
  CHECK(Scan(R"([{"id":1}])") == "");
}

TEST_CASE("IdScanner ignores the word id where it is not a key", "[protocol]") {
  CHECK(Scan(R"({"method":"id","x":1})") == "");
  CHECK(Scan(R"({"method":"id","id":3})") == "3");
  CHECK(Scan(R"({"text":"\"id\":99","id":4})") == "4");
  CHECK(Scan(R"({"idx":1})") == "");
  CHECK(Scan(R"({"xid":1})") == "");
}

TEST_CASE("IdScanner gives nothing for ids that are not strings or numbers", "[protocol]") {
  CHECK(Scan(R"({"id":null,"method":"x"})") == "");
  CHECK(Scan(R"({"id":true,"method":"x"})") == "");
  CHECK(Scan(R"({"id":{"a":1},"method":"x"})") == "");
  CHECK(Scan(R"({"id":[1],"method":"x"})") == "");
  CHECK(Scan("") == "");
  CHECK(Scan("not json at all") == "");
}

TEST_CASE("IdScanner reads the id of a malformed message", "[protocol]") {
  CHECK(Scan(R"({"jsonrpc":"2.0","id":7,"method":"ping",})") == "7");
  CHECK(Scan(R"({"id":"q","params":{"broken)") == R"("q")");
}

TEST_CASE("IdScanner drops an id too long to echo", "[protocol]") {
  std::string long_id(1000, 'i');
  CHECK(Scan(R"({"id":")" + long_id + R"(","method":"x"})") == "");
  std::string ok_id(100, 'i');
  CHECK(Scan(R"({"id":")" + ok_id + R"(","method":"x"})") == "\"" + ok_id + "\"");
}

TEST_CASE("IdScanner is not confused by braces and long keys in strings", "[protocol]") {
  CHECK(Scan(R"({"a":"}}}]]]","id":1})") == "1");
  CHECK(Scan(R"({"a_very_long_key_name_over_sixteen":"v","id":2})") == "2");
  CHECK(ScanBytewise(R"({"a":"{[\"","id":"z"})") == R"("z")");
}
