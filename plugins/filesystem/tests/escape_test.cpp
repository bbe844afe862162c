// escape_test.cpp - the escape corpus: every tool is aimed at paths that
// lead outside the root (.., absolute paths, ~, /root vs /root-evil prefix
// confusion, symlinks to files and directories outside, relative and
// chained symlinks, dangling symlinks, NUL bytes, bad UTF-8, overlong names),
// and nothing outside the root may be read, listed, created, changed or
// deleted. Then symlinks are swapped in while a write is in flight.
#include <catch2/catch.hpp>

#include <stdio.h>

#include <atomic>
#include <thread>

#include "fake_host.hpp"
#include "fs_internal.hpp"
#include "test_util.hpp"

using namespace fstest;

namespace {

struct World {
  TempDir t;
  std::string root, outside, evil;
  World() {
    root = t / "root";
    outside = t / "outside";
    evil = t / "root-evil";
    mkdirs(root + "/sub");
    mkdirs(outside + "/dir");
    mkdirs(evil);
    spit(root + "/a.txt", "inside\n");
    spit(outside + "/secret.txt", "TOP SECRET\n");
    spit(outside + "/dir/nested.txt", "NESTED SECRET\n");
    spit(evil + "/secret.txt", "EVIL SECRET\n");
    auto ln = [&](const std::string& target, const std::string& at) {
      REQUIRE(::symlink(target.c_str(), (root + "/" + at).c_str()) == 0);
    };
    ln(outside + "/secret.txt", "link-out");
    ln("../outside/secret.txt", "rel-out");
    ln(outside, "dirlink-out");
    ln("../outside", "reldir-out");
    ln("chain2", "chain1");
    ln("link-out", "chain2");
    ln(outside + "/created-by-attack.txt", "dangling-out");
    ln("../..", "sub/upup");
    ln(evil, "evil-link");
  }
  std::map<std::string, std::string> outside_state() const {
    auto a = snapshot(outside), b = snapshot(evil);
    for (auto& [k, v] : b) a["evil/" + k] = v;
    // Nothing may appear next to the root either.
    DIR* d = ::opendir(t.path.c_str());
    while (struct dirent* e = ::readdir(d)) a["top/" + std::string(e->d_name)] = "";
    ::closedir(d);
    return a;
  }
};

std::vector<std::string> attack_paths(const World& w) {
  return {"/etc/passwd",
          "../outside/secret.txt",
          "../outside",
          w.outside + "/secret.txt",
          w.outside,
          w.evil + "/secret.txt",
          w.evil,
          w.root + "/../outside/secret.txt",
          w.root + "/sub/../../outside/dir",
          "link-out",
          "rel-out",
          "chain1",
          "dirlink-out",
          "dirlink-out/secret.txt",
          "dirlink-out/dir",
          "reldir-out/dir/nested.txt",
          "dangling-out",
          "sub/upup/outside/secret.txt",
          "sub/upup",
          "evil-link/secret.txt",
          "~/secret.txt",
          "~",
          std::string("a.txt\0/../../outside/secret.txt", 31),
          "a\xFF.txt",
          "a\xC0\xAF..\xC0\xAF" "outside",
          std::string(300, 'x'),
          "C:\\outside\\secret.txt"};
}

bool leaks(const std::string& text) { return text.find("SECRET") != std::string::npos; }

}  // namespace

TEST_CASE("escape corpus: nothing outside the root is read, listed, created, changed or deleted", "[escape]") {
  World w;
  ::setenv("HOME", w.outside.c_str(), 1);
  FakeHost h(config_for(w.root));
  REQUIRE(h.create_status() == MCPP_OK);
  const auto before = w.outside_state();
  const auto paths = attack_paths(w);
  int attempts = 0;
  for (const std::string& p : paths) {
    const std::string jp = q(p);
    INFO("path: " << p);
    struct Attempt {
      const char* tool;
      std::string args;
    };
    std::vector<Attempt> tries = {
        {"read_text_file", "{\"path\":" + jp + "}"},
        {"read_text_file", "{\"path\":" + jp + ",\"tail\":5}"},
        {"read_file", "{\"path\":" + jp + ",\"head\":5}"},
        {"read_media_file", "{\"path\":" + jp + "}"},
        {"get_file_info", "{\"path\":" + jp + "}"},
        {"list_directory", "{\"path\":" + jp + "}"},
        {"list_directory_with_sizes", "{\"path\":" + jp + "}"},
        {"directory_tree", "{\"path\":" + jp + "}"},
        {"search_files", "{\"path\":" + jp + ",\"pattern\":\"**\"}"},
        {"write_file", "{\"path\":" + jp + ",\"content\":\"PWNED\"}"},
        {"write_file", "{\"path\":" + q(p + "/new.txt") + ",\"content\":\"PWNED\"}"},
        {"edit_file", "{\"path\":" + jp + ",\"edits\":[{\"oldText\":\"SECRET\",\"newText\":\"PWNED\"}]}"},
        {"create_directory", "{\"path\":" + jp + "}"},
        {"create_directory", "{\"path\":" + q(p + "/made/deeper") + "}"},
        {"move_file", "{\"source\":" + jp + ",\"destination\":\"stolen\"}"},
        {"move_file", "{\"source\":\"a.txt\",\"destination\":" + jp + "}"},
        {"move_file", "{\"source\":\"a.txt\",\"destination\":" + q(p + "/planted.txt") + "}"},
    };
    for (const auto& a : tries) {
      INFO("tool: " << a.tool << " " << a.args);
      Outcome o = h.call(a.tool, a.args);
      ++attempts;
      CHECK(o.failed());
      CHECK_FALSE(leaks(o.text()));
      CHECK_FALSE(leaks(o.structured));
      for (const auto& b : o.blocks) CHECK_FALSE(leaks(b.text));
      // The source of a failed move stays where it was.
      CHECK(exists(w.root + "/a.txt"));
    }
    Outcome multi = h.call("read_multiple_files", "{\"paths\":[" + jp + ",\"a.txt\"]}");
    CHECK_FALSE(leaks(multi.text()));
    CHECK(multi.text().find("inside") != std::string::npos);
    if (p.find('\0') == std::string::npos && p.size() < 200) {
      std::string rel = p[0] == '/' ? p.substr(1) : p;
      Outcome res = h.read("file:///" + rel, "{\"path\":" + q(rel) + "}");
      CHECK(res.status == MCPP_ERR_NOT_FOUND);
    }
  }
  CHECK(attempts > 400);
  // Walks from inside the root never descend through symlinks that lead out.
  CHECK_FALSE(leaks(h.call("directory_tree", "{\"path\":\".\"}").text()));
  CHECK(h.call("search_files", "{\"path\":\".\",\"pattern\":\"**/*secret*\"}").text() == "No matches found");
  CHECK(h.call("search_files", "{\"path\":\".\",\"pattern\":\"**/*nested*\"}").text() == "No matches found");
  std::string sizes = h.call("list_directory_with_sizes", "{\"path\":\".\"}").text();
  CHECK(sizes.find("[FILE] link-out                              0 B") != std::string::npos);

  CHECK(w.outside_state() == before);
  CHECK(slurp(w.outside + "/secret.txt") == "TOP SECRET\n");
}

TEST_CASE("a symlink swapped in during a write does not redirect it", "[escape][race]") {
  World w;
  FakeHost h(config_for(w.root));
  const auto before = w.outside_state();

  SECTION("the target file becomes a symlink to a file outside") {
    spit(w.root + "/victim.txt", "old\n");
    fsplug::g_before_commit_hook = [&] {
      ::unlink((w.root + "/victim.txt").c_str());
      REQUIRE(::symlink((w.outside + "/secret.txt").c_str(), (w.root + "/victim.txt").c_str()) == 0);
    };
    Outcome o = h.call("write_file", R"({"path":"victim.txt","content":"new\n"})");
    fsplug::g_before_commit_hook = nullptr;
    CHECK_FALSE(o.failed());
    struct stat st;
    REQUIRE(::lstat((w.root + "/victim.txt").c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));  // the rename replaced the symlink itself
    CHECK(slurp(w.root + "/victim.txt") == "new\n");
  }
  SECTION("the parent directory becomes a symlink to a directory outside") {
    mkdirs(w.root + "/d");
    spit(w.root + "/d/victim.txt", "old\n");
    fsplug::g_before_commit_hook = [&] {
      REQUIRE(::rename((w.root + "/d").c_str(), (w.root + "/d.old").c_str()) == 0);
      REQUIRE(::symlink(w.outside.c_str(), (w.root + "/d").c_str()) == 0);
    };
    Outcome o = h.call("edit_file", R"({"path":"d/victim.txt","edits":[{"oldText":"old","newText":"new"}]})");
    fsplug::g_before_commit_hook = nullptr;
    CHECK_FALSE(o.failed());
    CHECK(slurp(w.root + "/d.old/victim.txt") == "new\n");  // written where it was checked
  }
  SECTION("a new file's directory is swapped") {
    mkdirs(w.root + "/n");
    fsplug::g_before_commit_hook = [&] {
      REQUIRE(::rename((w.root + "/n").c_str(), (w.root + "/n.old").c_str()) == 0);
      REQUIRE(::symlink((w.outside + "/dir").c_str(), (w.root + "/n").c_str()) == 0);
    };
    Outcome o = h.call("write_file", R"({"path":"n/created.txt","content":"x"})");
    fsplug::g_before_commit_hook = nullptr;
    CHECK_FALSE(o.failed());
    CHECK(exists(w.root + "/n.old/created.txt"));
  }
  CHECK(w.outside_state() == before);
}

TEST_CASE("heavy: a directory flipping to a symlink under concurrent calls never leaks", "[escape][heavy]") {
  World w;
  FakeHost h(config_for(w.root));
  mkdirs(w.root + "/flip");
  spit(w.root + "/flip/secret.txt", "harmless\n");
  REQUIRE(::symlink(w.outside.c_str(), (w.root + "/flip-link").c_str()) == 0);
  const auto before = w.outside_state();
  std::atomic<bool> stop{false};
  std::thread flipper([&] {
    while (!stop.load()) ::renameat2(AT_FDCWD, (w.root + "/flip").c_str(), AT_FDCWD, (w.root + "/flip-link").c_str(), RENAME_EXCHANGE);
  });
  int ok_reads = 0;
  for (int i = 0; i < 3000; ++i) {
    Outcome r = h.call("read_text_file", R"({"path":"flip/secret.txt"})");
    CHECK_FALSE(leaks(r.text()));
    ok_reads += r.failed() ? 0 : 1;
    CHECK_FALSE(leaks(h.call("list_directory", R"({"path":"flip/dir"})").text()));
    h.call("write_file", R"({"path":"flip/w.txt","content":"w"})");
    h.call("create_directory", R"({"path":"flip/made"})");
    h.call("edit_file", R"({"path":"flip/secret.txt","edits":[{"oldText":"harmless","newText":"harmless"}]})");
    h.call("move_file", R"({"source":"flip/w.txt","destination":"flip/w2.txt"})");
    CHECK_FALSE(leaks(h.call("search_files", R"({"path":"flip","pattern":"**"})").text()));
  }
  stop = true;
  flipper.join();
  CHECK(ok_reads > 0);
  CHECK(w.outside_state() == before);
}
