// text_test.cpp - the format helpers, glob, diff and edit algorithm against
// answers taken from the reference server's libraries (minimatch 10,
// jsdiff 8, Node's Number/String/Date behaviour).
#include <catch2/catch.hpp>

#include <algorithm>

#include "fs_internal.hpp"

using namespace fsplug;

TEST_CASE("format_size matches the reference's formatSize", "[text]") {
  CHECK(format_size(0) == "0 B");
  CHECK(format_size(1) == "1 B");
  CHECK(format_size(1023) == "1023 B");
  CHECK(format_size(1024) == "1.00 KB");
  CHECK(format_size(1152) == "1.13 KB");  // 1.125: toFixed rounds the tie up
  CHECK(format_size(1536) == "1.50 KB");
  CHECK(format_size(1048576) == "1.00 MB");
  CHECK(format_size(10ull << 40) == "10.00 TB");
  CHECK(format_size(2000ull << 40) == "2000.00 TB");
}

TEST_CASE("padEnd and padStart count UTF-16 units", "[text]") {
  CHECK(pad_end("ab", 4) == "ab  ");
  CHECK(pad_end("\xC3\xA4", 3) == "\xC3\xA4  ");
  CHECK(pad_end("\xF0\x9F\x98\x80", 3) == "\xF0\x9F\x98\x80 ");  // a surrogate pair is 2
  CHECK(pad_start("1 B", 5) == "  1 B");
  CHECK(pad_end("toolongname", 3) == "toolongname");
}

TEST_CASE("locale_compare orders like localeCompare", "[text]") {
  std::vector<std::string> v = {"b", "a", "B", "_x", "-y", "1", "a1", "a10", "a2", "Z", "\xC3\xA4", ".h", "~t", "\xC3\xA9"};
  std::sort(v.begin(), v.end(), [](auto& x, auto& y) { return locale_compare(x, y) < 0; });
  // node -e "console.log([...].sort((a,b)=>a.localeCompare(b)))"
  std::vector<std::string> want = {"_x", "-y", ".h", "~t", "1", "a", "\xC3\xA4", "a1", "a10", "a2", "b", "B", "\xC3\xA9", "Z"};
  CHECK(v == want);
}

TEST_CASE("UTF-8 checks and Node-style replacement", "[text]") {
  CHECK(valid_utf8("plain"));
  CHECK(valid_utf8("\xE2\x82\xAC"));
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xFF"));
  CHECK(sanitize_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  // The owned variant keeps a valid buffer (no copy) and repairs an invalid one;
  // long ASCII runs are skipped in blocks, so check bytes at every offset.
  std::string big(4096 + 3, 'x');
  const char* before = big.data();
  std::string kept = sanitize_utf8_owned(std::move(big));
  CHECK(kept.data() == before);
  for (size_t at = 0; at < 20; ++at) {
    std::string s(20, 'a');
    s[at] = '\xFF';
    std::string want = s.substr(0, at) + "\xEF\xBF\xBD" + s.substr(at + 1);
    CHECK(sanitize_utf8_owned(s) == want);
    CHECK(sanitize_utf8(s) == want);
  }
  CHECK(sanitize_utf8("\xE2\x82\n") == "\xEF\xBF\xBD\n");  // one U+FFFD for a truncated sequence
  CHECK(sanitize_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("json_quote writes what JSON.stringify writes", "[text]") {
  CHECK(json_quote("a\"b\\c\n\t\x01") == "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  CHECK(json_quote("/\xC3\xA4") == "\"/\xC3\xA4\"");
}

TEST_CASE("file URLs are percent-encoded like pathToFileURL", "[text]") {
  CHECK(file_url("/a b/c#d?e%f") == "file:///a%20b/c%23d%3Fe%25f");
  CHECK(file_url("/\xC3\xA4") == "file:///%C3%A4");
  CHECK(percent_decode("a%20b%2Fc%zz") == "a b/c%zz");
}

TEST_CASE("head and tail follow headFile and tailFile", "[text]") {
  CHECK(head_lines("a\nb\nc\n", 2) == "a\nb");
  CHECK(head_lines("a\nb\nc\n", 10) == "a\nb\nc");
  CHECK(head_lines("a\nb", 10) == "a\nb");
  CHECK(head_lines("a\n\n", 5) == "a\n");
  CHECK(head_lines("", 3) == "");
  CHECK(head_lines("a\nb\nc", -1) == "");
  CHECK(head_lines("a\r\nb\r\n", 1) == "a\r");  // head does not normalise CRLF
  CHECK(tail_lines("a\nb\nc\n", 2) == "c\n");
  CHECK(tail_lines("a\nb\nc\n", 1) == "");
  CHECK(tail_lines("a\nb\nc", 2) == "b\nc");
  CHECK(tail_lines("a\nb\nc", 10) == "a\nb\nc");
  CHECK(tail_lines("a\r\nb\r\n", 2) == "b\n");
  CHECK(tail_lines("\nabc", 2) == "\nabc");
}

TEST_CASE("glob_match agrees with minimatch {dot:true}", "[glob]") {
  struct Case {
    const char* path;
    const char* pattern;
    bool want;
  } cases[] = {
      {"a", "a/**", false},        {"a/b", "a/**", true},      {"a.txt", "**/*.txt", true},
      {"sub/a.txt", "*.txt", false}, {".git", "*", true},      {"x/.git/y", "**/.git/**", true},
      {"a", "{a,b}", true},        {"ab", "a?", true},         {"a/b/c", "a/**/c", true},
      {"a/c", "a/**/c", true},     {"A.TXT", "*.txt", false},  {"a", "!b", true},
      {"a/b", "a/*", true},        {"b", "[a-c]", true},       {"d", "[a-c]", false},
      {"d", "[!a-c]", true},       {"a b", "a*", true},        {"node_modules", "**/node_modules/**", false},
      {"x/", "x", true},           {"a", "a/", false},         {"a/", "a", true},
      {"x/node_modules", "**/node_modules", true},              {"deep/c.txt", "**/{b,c}.*", true},
      {"a", "#a", false},          {"a*b", "a\\*b", true},     {"axb", "a\\*b", false},
      {"src/x/y/z.cpp", "src/**/*.cpp", true},                  {"src/z.cpp", "src/**/*.cpp", true},
      {"a", "", false},            {"abc", "a*c*", true},      {"a", "[", false},
  };
  for (const auto& c : cases) {
    INFO(c.path << " vs " << c.pattern);
    CHECK(glob_match(c.path, c.pattern) == c.want);
  }
}

TEST_CASE("unified_diff matches jsdiff createTwoFilesPatch", "[diff]") {
  CHECK(unified_diff("a\nb\nc\n", "a\nX\nc\n", "/p") ==
        "Index: /p\n===================================================================\n--- /p\toriginal\n+++ "
        "/p\tmodified\n@@ -1,3 +1,3 @@\n a\n-b\n+X\n c\n");
  CHECK(unified_diff("a\nb\nc", "a\nb\nc\nd", "/p") ==
        "Index: /p\n===================================================================\n--- /p\toriginal\n+++ "
        "/p\tmodified\n@@ -1,3 +1,4 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n+d\n\\ No newline at end of "
        "file\n");
  CHECK(unified_diff("a\n", "a\n", "/p") ==
        "Index: /p\n===================================================================\n--- /p\toriginal\n+++ "
        "/p\tmodified\n");
  CHECK(unified_diff("", "x", "/p") ==
        "Index: /p\n===================================================================\n--- /p\toriginal\n+++ "
        "/p\tmodified\n@@ -0,0 +1,1 @@\n+x\n\\ No newline at end of file\n");
  CHECK(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
                     "1\n2x\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14x\n15\n", "/p") ==
        "Index: /p\n===================================================================\n--- /p\toriginal\n+++ "
        "/p\tmodified\n@@ -1,6 +1,6 @@\n 1\n-2\n+2x\n 3\n 4\n 5\n 6\n@@ -10,6 +10,6 @@\n 10\n 11\n 12\n 13\n-14\n+14x\n "
        "15\n");
}

TEST_CASE("a diff of a large rewrite stays bounded", "[diff]") {
  std::string a, b;
  for (int i = 0; i < 20000; ++i) {
    a += "old line " + std::to_string(i) + "\n";
    b += "new line " + std::to_string(i) + "\n";
  }
  std::string d = unified_diff(a, b, "/big");
  CHECK(d.find("@@ -1,20000 +1,20000 @@") != std::string::npos);
}

TEST_CASE("apply_edits: exact first, then whitespace-tolerant with indentation kept", "[edit]") {
  std::string code = "def f(x):\n    if x:\n        return 1\n    return 2\n";
  CHECK(apply_edits(code, {{"return 2", "return 3"}}) == "def f(x):\n    if x:\n        return 1\n    return 3\n");
  // Only the first occurrence is replaced.
  CHECK(apply_edits("x x x", {{"x", "y"}}) == "y x x");
  // Whitespace-tolerant: the old text's indentation differs from the file's.
  // As in the reference: line 1 takes the file's indent, later lines keep
  // their indent relative to the old text's, extra lines stay as given.
  CHECK(apply_edits(code, {{"if x:\n  return 1", "if x:\n    return 100\n    # done"}}) ==
        "def f(x):\n    if x:\n      return 100\n    # done\n    return 2\n");
  // CRLF in the edit is normalised.
  CHECK(apply_edits("a\nb\n", {{"a\r\nb", "c\r\nd"}}) == "c\nd\n");
  // Edits apply in order, each on the previous result.
  CHECK(apply_edits("one", {{"one", "two"}, {"two", "three"}}) == "three");
  CHECK_THROWS_WITH(apply_edits(code, {{"absent", "x"}}), "Could not find exact match for edit:\nabsent");
}

TEST_CASE("the diff block fence outgrows backticks in the diff", "[edit]") {
  CHECK(format_diff_block("x\n") == "```diff\nx\n```\n\n");
  CHECK(format_diff_block("has ``` fence\n") == "````diff\nhas ``` fence\n````\n\n");
}

TEST_CASE("Date strings", "[text]") {
  struct timespec ts {};
  ts.tv_sec = 1709528767;  // 2024-03-04T05:06:07Z
  ts.tv_nsec = 123456789;
  CHECK(iso_date_string(ts) == "2024-03-04T05:06:07.123Z");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  CHECK(js_date_string(ts) == "Mon Mar 04 2024 05:06:07 GMT+0000 (Coordinated Universal Time)");
}
