// json_escape_test.cpp - util/json_escape.h against RapidJSON's own Writer:
// every input must give the bytes rapidjson::Writer<StringBuffer>::String
// gives, through both scanners (SSE2 where built, and the portable SWAR one),
// and no scanner may read past the input's end (checked with a guard page).
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "util/json.h"
#include "util/json_escape.h"

namespace {

std::string Reference(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Swar(const char* p, size_t n) {
  rapidjson::StringBuffer buf;
  mcph::json_escape::AppendEscapedWith<mcph::json_escape::ScanSwar, 8>(buf, p, n);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Default(const char* p, size_t n) {
  rapidjson::StringBuffer buf;
  mcph::AppendJsonString(buf, p, n);
  return std::string(buf.GetString(), buf.GetSize());
}

#if defined(__SSE2__)
std::string Sse2(const char* p, size_t n) {
  rapidjson::StringBuffer buf;
  mcph::json_escape::AppendEscapedWith<mcph::json_escape::ScanSse2, 16>(buf, p, n);
  return std::string(buf.GetString(), buf.GetSize());
}
#endif

// Checks every escaper against the reference for `s`.
void CheckAll(const std::string& s) {
  std::string want = Reference(s);
  INFO("input of " << s.size() << " bytes");
  CHECK(Swar(s.data(), s.size()) == want);
  CHECK(Default(s.data(), s.size()) == want);
#if defined(__SSE2__)
  CHECK(Sse2(s.data(), s.size()) == want);
#endif
  // Through the JsonWriter (String and Key both escape).
  rapidjson::StringBuffer buf;
  mcph::JsonWriter w(buf);
  w.StartObject();
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  mcph::WriteString(w, s);
  w.EndObject();
  CHECK(std::string(buf.GetString(), buf.GetSize()) == "{" + want + ":" + want + "}");
}

}  // namespace

TEST_CASE("json escape: every single byte value, alone and between clean runs", "[unit][json]") {
  for (int c = 0; c < 256; ++c) {
    std::string one(1, static_cast<char>(c));
    CheckAll(one);
    CheckAll("abcdefghijklmnopqrstuvwxyz" + one + "0123456789");
    CheckAll(std::string(15, 'x') + one);  // last byte of a 16-byte block
    CheckAll(std::string(16, 'x') + one);  // first byte of the tail
    CheckAll(std::string(7, 'x') + one + std::string(8, 'y'));
  }
  // Spot checks of the expected forms (so the reference itself is pinned).
  CHECK(Default("\x01\x1f\"\\\n\t\b\f\r/\x7f", 11) == "\"\\u0001\\u001F\\\"\\\\\\n\\t\\b\\f\\r/\x7f\"");
}

TEST_CASE("json escape: all control bytes, quotes, backslashes and UTF-8 at every length and offset", "[unit][json]") {
  std::string all;
  for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
  all += "\"\\\"\\";
  all += "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 \xFF\xFE";  // UTF-8 and invalid bytes pass through
  for (size_t len = 0; len <= 70; ++len) {
    std::string s;
    while (s.size() < len) s += all;
    s.resize(len);
    CheckAll(s);
    CheckAll(std::string(len, 'q'));          // clean only: one block copy
    CheckAll(std::string(len, '"'));          // escapes only
    CheckAll(std::string(len, '\0'));         // NUL is data, not an end
    CheckAll(std::string(len, '\x80'));       // high bytes (signed char < 0x20 would be wrong)
  }
}

TEST_CASE("json escape: random inputs match RapidJSON's Writer", "[unit][json]") {
  std::mt19937 rng(12345);
  const std::string alphabet = std::string("\x00\x01\x1f \"\\/aZ\x7f\x80\xc3\xa9\xff", 14);
  for (int round = 0; round < 2000; ++round) {
    size_t len = rng() % 300;
    bool sparse = rng() % 2;
    std::string s(len, ' ');
    for (auto& ch : s) {
      if (sparse && rng() % 16) ch = static_cast<char>('a' + rng() % 26);
      else if (rng() % 2) ch = alphabet[rng() % alphabet.size()];
      else ch = static_cast<char>(rng() % 256);
    }
    CheckAll(s);
  }
  // One large text (the 1 MB read_text_file case), with a few escapes.
  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = (i / 4093) % 3 == 0 ? '\n' : (i / 4093) % 3 == 1 ? '"' : '\x02';
  CheckAll(big);
}

TEST_CASE("json escape: an input ending at a page boundary is not read past", "[unit][json]") {
  // Two pages, the second inaccessible: any read past the input's end faults.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  REQUIRE(mprotect(static_cast<char*>(mem) + page, page, PROT_NONE) == 0);
  char* end = static_cast<char*>(mem) + page;
  for (size_t len = 0; len <= 40; ++len) {
    for (char fill : {'a', '"', '\n'}) {
      char* start = end - len;
      for (size_t i = 0; i < len; ++i) start[i] = i % 5 == 4 ? fill : 'k';
      std::string copy(start, len);
      std::string want = Reference(copy);
      CHECK(Swar(start, len) == want);
      CHECK(Default(start, len) == want);
#if defined(__SSE2__)
      CHECK(Sse2(start, len) == want);
#endif
    }
  }
  munmap(mem, 2 * page);
}
