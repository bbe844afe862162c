// paths_test.cpp - the confined resolver: relative and absolute paths,
// symlinks inside and across roots, missing tails, loops, bad strings.
#include <catch2/catch.hpp>

#include "fs_internal.hpp"
#include "test_util.hpp"

using namespace fsplug;
using fstest::TempDir;

TEST_CASE("normalize_abs is lexical", "[paths]") {
  CHECK(normalize_abs("/a/./b//c/../d/") == "/a/b/d");
  CHECK(normalize_abs("/../..") == "/");
  CHECK(normalize_abs("/") == "/");
}

TEST_CASE("check_path_string refuses NUL, bad UTF-8 and overlong names", "[paths]") {
  CHECK_THROWS_WITH(check_path_string(std::string("a\0b", 3)), Catch::Contains("NUL"));
  CHECK_THROWS_WITH(check_path_string("a\xFF"), Catch::Contains("UTF-8"));
  CHECK_THROWS_WITH(check_path_string("a\xC0\xAF" "b"), Catch::Contains("UTF-8"));
  CHECK_THROWS_WITH(check_path_string(std::string(256, 'x')), Catch::Contains("ENAMETOOLONG"));
  CHECK_THROWS_WITH(check_path_string("/" + std::string(5000, 'x')), Catch::Contains("ENAMETOOLONG"));
  CHECK_NOTHROW(check_path_string(std::string(255, 'x')));
}

TEST_CASE("resolve: relative, absolute, symlinks inside, missing tails", "[paths]") {
  TempDir t;
  fstest::mkdirs(t / "r1/sub/deep");
  fstest::mkdirs(t / "r2");
  fstest::spit(t / "r1/sub/f.txt", "f");
  fstest::spit(t / "r2/g.txt", "g");
  ::symlink("sub/f.txt", (t / "r1/rel-link").c_str());
  ::symlink((t / "r2/g.txt").c_str(), (t / "r1/cross-root").c_str());
  ::symlink("../../sub", (t / "r1/sub/deep/up").c_str());
  ::symlink("loop2", (t / "r1/loop1").c_str());
  ::symlink("loop1", (t / "r1/loop2").c_str());
  ::symlink(t.path.c_str(), (t / "alias").c_str());  // a root configured through a symlink
  Roots roots;
  auto warnings = roots.init({t / "r1", t / "alias/r2", t / "missing"}, "/home/nobody");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find(t / "missing") != std::string::npos);
  REQUIRE(roots.list().size() == 2);
  CHECK(roots.display() == std::vector<std::string>{t / "r1", t / "alias/r2", t / "r2"});

  Resolved r = roots.resolve("sub/f.txt");
  CHECK(r.exists);
  CHECK(r.abs == t / "r1/sub/f.txt");
  CHECK(roots.resolve(t / "r1/rel-link").abs == t / "r1/sub/f.txt");
  CHECK(roots.resolve("cross-root").abs == t / "r2/g.txt");
  CHECK(roots.resolve(t / "alias/r2/g.txt").abs == t / "r2/g.txt");
  CHECK(roots.resolve("sub/deep/up/f.txt").abs == t / "r1/sub/f.txt");
  CHECK(roots.resolve(t / "r1").rest.empty());
  CHECK(roots.resolve("").abs == t / "r1");

  Resolved m = roots.resolve("sub/new/dir/x");
  CHECK_FALSE(m.exists);
  CHECK(m.rest == std::vector<std::string>{"new", "dir", "x"});
  CHECK(m.dir_path() == t / "r1/sub");

  CHECK_THROWS_WITH(roots.resolve("loop1"), Catch::Contains("ELOOP"));
  CHECK_THROWS_WITH(roots.resolve("sub/f.txt/x"), Catch::Contains("ENOTDIR"));
  CHECK_THROWS_WITH(roots.resolve(t / "r1x/a"), Catch::StartsWith("Access denied - path outside"));
  CHECK_THROWS_WITH(roots.resolve("~/x"), Catch::Contains("/home/nobody/x not in"));
  CHECK_THROWS_WITH(roots.resolve("C:\\Windows"), Catch::Contains("Windows-style"));
}

TEST_CASE("no roots: every resolve fails with a clear message", "[paths]") {
  Roots roots;
  roots.init({"/definitely/not/here"}, "");
  CHECK_THROWS_WITH(roots.resolve("/tmp"), Catch::Contains("No allowed directories"));
}
