// glob_match_test.cpp - GlobMatch: `*` any run, `?` one character, whole-string match.
#include <catch2/catch.hpp>

#include <string>

#include "config/glob_match.h"

using mcph::GlobMatch;

TEST_CASE("GlobMatch: literal patterns match only themselves", "[config][glob]") {
  CHECK(GlobMatch("echo", "echo"));
  CHECK_FALSE(GlobMatch("echo", "echo2"));
  CHECK_FALSE(GlobMatch("echo", "ech"));
  CHECK_FALSE(GlobMatch("Echo", "echo"));  // case-sensitive
  CHECK(GlobMatch("", ""));
  CHECK_FALSE(GlobMatch("", "a"));
}

TEST_CASE("GlobMatch: * matches any run, including none", "[config][glob]") {
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("*", "anything_at.all-1"));
  CHECK(GlobMatch("read_*", "read_file"));
  CHECK(GlobMatch("read_*", "read_"));
  CHECK_FALSE(GlobMatch("read_*", "write_file"));
  CHECK(GlobMatch("*_file", "read_file"));
  CHECK_FALSE(GlobMatch("*_file", "read_files"));
  CHECK(GlobMatch("a*b*c", "abc"));
  CHECK(GlobMatch("a*b*c", "axxbyyc"));
  CHECK(GlobMatch("a*b*c", "abcbc"));  // needs backtracking past the first b/c
  CHECK_FALSE(GlobMatch("a*b*c", "axxbyy"));
  CHECK(GlobMatch("**x**", "x"));
  CHECK(GlobMatch("*.*", "fs.read"));
  CHECK_FALSE(GlobMatch("*.*", "fsread"));
}

TEST_CASE("GlobMatch: ? matches exactly one character", "[config][glob]") {
  CHECK(GlobMatch("tool?", "tool1"));
  CHECK_FALSE(GlobMatch("tool?", "tool"));
  CHECK_FALSE(GlobMatch("tool?", "tool12"));
  CHECK(GlobMatch("?", "x"));
  CHECK_FALSE(GlobMatch("?", ""));
  CHECK(GlobMatch("?*", "x"));
  CHECK_FALSE(GlobMatch("?*", ""));
  CHECK(GlobMatch("*?_?", "ab_c"));
}

TEST_CASE("GlobMatch: long inputs stay fast (no exponential backtracking)", "[config][glob]") {
  const std::string text(5000, 'a');
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", text));
  CHECK(GlobMatch("*a*a*a*a*a*a*a*a*", text));
}
