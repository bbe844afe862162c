// tools_test.cpp - every tool, the resource template, the prompts and the
// config keys, through the plugin's C ABI and a fake host.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include "fake_host.hpp"
#include "fs_internal.hpp"
#include "test_util.hpp"

using namespace fstest;

namespace {
struct Fixture {
  TempDir t;
  std::string root;
  Fixture() {
    root = t / "root";
    mkdirs(root + "/sub/deep");
    mkdirs(root + "/emptydir");
    spit(root + "/a.txt", "line1\nline2\nline3\n");
    spit(root + "/sub/b.md", "bee\n");
    spit(root + "/sub/deep/c.txt", "sea\n");
    spit(root + "/img.png", std::string("\x89PNG\r\n\x1a\n", 8));
    spit(root + "/blob.dat", std::string("\0\1\2", 3));
  }
};
std::string P(const std::string& path) { return "{\"path\":" + q(path) + "}"; }
}  // namespace

TEST_CASE("tools, annotations and schemas are the reference's", "[tools]") {
  Fixture f;
  FakeHost h(config_for(f.root));
  REQUIRE(h.create_status() == MCPP_OK);
  for (const char* name : {"read_file", "read_text_file", "read_media_file", "read_multiple_files", "write_file",
                           "edit_file", "create_directory", "list_directory", "list_directory_with_sizes",
                           "directory_tree", "move_file", "search_files", "get_file_info", "list_allowed_directories"})
    CHECK(h.has_tool(name));
  CHECK(h.tools.size() == 14);
  CHECK(h.tools["read_text_file"].annotations == R"({"readOnlyHint":true,"openWorldHint":false})");
  CHECK(h.tools["write_file"].annotations ==
        R"({"readOnlyHint":false,"idempotentHint":true,"destructiveHint":true,"openWorldHint":false})");
  CHECK(h.tools["edit_file"].annotations ==
        R"({"readOnlyHint":false,"idempotentHint":false,"destructiveHint":true,"openWorldHint":false})");
  CHECK(h.tools["create_directory"].annotations ==
        R"({"readOnlyHint":false,"idempotentHint":true,"destructiveHint":false,"openWorldHint":false})");
  CHECK(h.tools["move_file"].annotations ==
        R"({"readOnlyHint":false,"idempotentHint":false,"destructiveHint":true,"openWorldHint":false})");
  CHECK(h.tools["read_file"].title == "Read File (Deprecated)");
  CHECK(h.templates.size() == 1);
  CHECK(h.templates[0].uri_template == "file:///{+path}");
  CHECK(h.prompts.count("explore_directory") == 1);
  CHECK(h.prompts.count("find_and_edit") == 1);
  CHECK_FALSE(h.instructions.empty());
}

TEST_CASE("read_only registers no write tool; config errors fail create", "[tools][config]") {
  Fixture f;
  FakeHost ro(config_for(f.root, ",\"read_only\":true"));
  for (const char* name : {"write_file", "edit_file", "create_directory", "move_file"}) CHECK_FALSE(ro.has_tool(name));
  CHECK(ro.has_tool("read_text_file"));
  CHECK(ro.prompts.count("find_and_read") == 1);
  CHECK(ro.prompts.count("find_and_edit") == 0);

  CHECK(FakeHost("{\"roots\":5}").create_status() != MCPP_OK);
  CHECK(FakeHost("{\"read_only\":\"yes\"}").create_status() != MCPP_OK);
  CHECK(FakeHost("{\"max_read_bytes\":-1}").create_status() != MCPP_OK);
  FakeHost unknown(config_for(f.root, ",\"colour\":1"));
  CHECK(unknown.create_status() == MCPP_OK);
  bool warned = false;
  for (auto& l : unknown.logs) warned = warned || l.find("unknown config key \"colour\"") != std::string::npos;
  CHECK(warned);

  // A missing root is reported and the others serve.
  FakeHost partial("{\"roots\":[" + q(f.t / "nope") + "," + q(f.root) + "]}");
  bool reported = false;
  for (auto& l : partial.logs) reported = reported || l.find(f.t / "nope") != std::string::npos;
  CHECK(reported);
  CHECK(partial.call("list_allowed_directories", "{}").text() == "Allowed directories:\n" + f.root);
  // No root at all: the plugin loads, calls explain.
  FakeHost none("{}");
  CHECK(none.create_status() == MCPP_OK);
  CHECK(none.call("list_directory", P("/")).text().find("No allowed directories") != std::string::npos);
}

TEST_CASE("read_text_file: whole, head, tail, limits, errors", "[tools][read]") {
  Fixture f;
  FakeHost h(config_for(f.root, ",\"max_read_bytes\":64"));
  CHECK(h.call("read_text_file", P("a.txt")).text() == "line1\nline2\nline3\n");
  CHECK(h.call("read_file", P(f.root + "/a.txt")).text() == "line1\nline2\nline3\n");
  CHECK(h.call("read_text_file", R"({"path":"a.txt","head":2})").text() == "line1\nline2");
  CHECK(h.call("read_text_file", R"({"path":"a.txt","tail":2})").text() == "line3\n");
  CHECK(h.call("read_text_file", R"({"path":"a.txt","head":0})").text() == "line1\nline2\nline3\n");
  auto both = h.call("read_text_file", R"({"path":"a.txt","head":1,"tail":1})");
  CHECK(both.failed());
  CHECK(both.text() == "Cannot specify both head and tail parameters simultaneously");

  // Over max_read_bytes: refused whole, but head/tail read only what they need.
  std::string big;
  for (int i = 0; i < 1000; ++i) big += "row " + std::to_string(i) + "\n";
  spit(f.root + "/big.txt", big);
  auto whole = h.call("read_text_file", P("big.txt"));
  CHECK(whole.failed());
  CHECK(whole.text().find("File too large: " + f.root + "/big.txt") == 0);
  CHECK(h.call("read_text_file", R"({"path":"big.txt","head":2})").text() == "row 0\nrow 1");
  CHECK(h.call("read_text_file", R"({"path":"big.txt","tail":3})").text() == "row 998\nrow 999\n");
  CHECK(h.call("read_text_file", R"({"path":"big.txt","head":900})").failed());

  auto missing = h.call("read_text_file", P("nope.txt"));
  CHECK(missing.failed());
  CHECK(missing.text() == "ENOENT: no such file or directory, open '" + f.root + "/nope.txt'");
  auto dir = h.call("read_text_file", P("sub"));
  CHECK(dir.failed());
  CHECK(dir.text().find("EISDIR") == 0);
  ::mkfifo((f.root + "/fifo").c_str(), 0600);
  CHECK(h.call("read_text_file", P("fifo")).text() == "Not a regular file: " + f.root + "/fifo");
}

TEST_CASE("read_media_file and read_multiple_files", "[tools][read]") {
  Fixture f;
  FakeHost h(config_for(f.root));
  auto img = h.call("read_media_file", P("img.png"));
  REQUIRE(img.blocks.size() == 1);
  CHECK(img.blocks[0].type == "image");
  CHECK(img.blocks[0].mime == "image/png");
  CHECK(img.blocks[0].text == std::string("\x89PNG\r\n\x1a\n", 8));
  auto blob = h.call("read_media_file", P("blob.dat"));
  REQUIRE(blob.blocks.size() == 1);
  CHECK(blob.blocks[0].type == "resource_blob");
  CHECK(blob.blocks[0].uri == "file://" + f.root + "/blob.dat");
  CHECK(blob.blocks[0].mime == "application/octet-stream");

  auto multi = h.call("read_multiple_files", R"({"paths":["a.txt","sub/b.md","missing.txt","/etc/passwd"]})");
  CHECK_FALSE(multi.failed());
  CHECK(multi.text() == "a.txt:\nline1\nline2\nline3\n\n\n---\nsub/b.md:\nbee\n\n\n---\nmissing.txt: Error - ENOENT: no "
                        "such file or directory, open '" + f.root + "/missing.txt'\n---\n/etc/passwd: Error - Access "
                        "denied - path outside allowed directories: /etc/passwd not in " + f.root);
}

TEST_CASE("write_file is atomic, keeps permissions and leaves no temp file", "[tools][write]") {
  Fixture f;
  FakeHost h(config_for(f.root));
  ::chmod((f.root + "/a.txt").c_str(), 0640);
  struct stat before;
  ::stat((f.root + "/a.txt").c_str(), &before);
  auto r = h.call("write_file", R"({"path":"a.txt","content":"new content"})");
  CHECK(r.text() == "Successfully wrote to a.txt");
  CHECK(slurp(f.root + "/a.txt") == "new content");
  struct stat after;
  ::stat((f.root + "/a.txt").c_str(), &after);
  CHECK((after.st_mode & 0777) == 0640);
  CHECK(after.st_ino != before.st_ino);  // replaced by rename, never truncated in place
  CHECK(h.call("write_file", R"({"path":"fresh.txt","content":"x"})").text() == "Successfully wrote to fresh.txt");
  CHECK(slurp(f.root + "/fresh.txt") == "x");
  CHECK(h.call("write_file", R"({"path":"sub","content":"x"})").text().find("EISDIR") == 0);
  CHECK(h.call("write_file", R"({"path":"no/such/dir.txt","content":"x"})").text() ==
        "ENOENT: no such file or directory, open '" + f.root + "/no/such/dir.txt'");
  // Nothing but the files written: no temp file left behind.
  auto snap = snapshot(f.root);
  for (auto& [k, v] : snap) CHECK(k.find(".tmp") == std::string::npos);
  // A commit that fails (the directory turned read-only) keeps the original.
  fsplug::g_before_commit_hook = [&] { ::chmod(f.root.c_str(), 0500); };
  auto failed = h.call("write_file", R"({"path":"a.txt","content":"lost?"})");
  fsplug::g_before_commit_hook = nullptr;
  ::chmod(f.root.c_str(), 0755);
  if (::geteuid() != 0) {  // root ignores directory permissions
    CHECK(failed.failed());
    CHECK(slurp(f.root + "/a.txt") == "new content");
  }
}

TEST_CASE("edit_file: dry run, apply, CRLF kept, non-UTF-8 refused", "[tools][edit]") {
  Fixture f;
  FakeHost h(config_for(f.root));
  auto dry = h.call("edit_file", R"({"path":"a.txt","edits":[{"oldText":"line2","newText":"LINE2"}],"dryRun":true})");
  CHECK(dry.text() == "```diff\nIndex: " + f.root + "/a.txt\n===================================================================\n--- " +
                          f.root + "/a.txt\toriginal\n+++ " + f.root +
                          "/a.txt\tmodified\n@@ -1,3 +1,3 @@\n line1\n-line2\n+LINE2\n line3\n```\n\n");
  CHECK(slurp(f.root + "/a.txt") == "line1\nline2\nline3\n");
  CHECK_FALSE(h.call("edit_file", R"({"path":"a.txt","edits":[{"oldText":"line2","newText":"LINE2"}]})").failed());
  CHECK(slurp(f.root + "/a.txt") == "line1\nLINE2\nline3\n");
  auto miss = h.call("edit_file", R"({"path":"a.txt","edits":[{"oldText":"zzz","newText":"y"}]})");
  CHECK(miss.failed());
  CHECK(miss.text() == "Could not find exact match for edit:\nzzz");

  spit(f.root + "/crlf.txt", "a\r\nb\r\n");
  CHECK_FALSE(h.call("edit_file", R"({"path":"crlf.txt","edits":[{"oldText":"b","newText":"c"}]})").failed());
  CHECK(slurp(f.root + "/crlf.txt") == "a\r\nc\r\n");

  spit(f.root + "/bin.txt", "a\xFF\n");
  auto bin = h.call("edit_file", R"({"path":"bin.txt","edits":[{"oldText":"a","newText":"b"}]})");
  CHECK(bin.failed());
  CHECK(bin.text().find("not valid UTF-8") != std::string::npos);
  CHECK(slurp(f.root + "/bin.txt") == "a\xFF\n");
}

TEST_CASE("create_directory, list_directory, sizes, tree", "[tools][dirs]") {
  Fixture f;
  FakeHost h(config_for(f.root, ",\"max_results\":5"));
  CHECK(h.call("create_directory", P("x/y/z")).text() == "Successfully created directory x/y/z");
  CHECK(exists(f.root + "/x/y/z"));
  CHECK_FALSE(h.call("create_directory", P("x/y")).failed());
  CHECK(h.call("create_directory", P("a.txt")).text() == "EEXIST: file already exists, mkdir '" + f.root + "/a.txt'");

  CHECK(h.call("list_directory", P(".")).text() ==
        "[FILE] a.txt\n[FILE] blob.dat\n[DIR] emptydir\n[FILE] img.png\n[DIR] sub\n[DIR] x");
  CHECK(h.call("list_directory", P("emptydir")).text() == "");
  CHECK(h.call("list_directory", P("a.txt")).text().find("ENOTDIR") == 0);

  std::string sizes = h.call("list_directory_with_sizes", P("sub")).text();
  CHECK(sizes == "[FILE] b.md                                  4 B\n[DIR] deep                           \n\nTotal: 1 "
                 "files, 1 directories\nCombined size: 4 B");
  CHECK(h.call("list_directory_with_sizes", R"({"path":".","sortBy":"size"})").text().find("[FILE] a.txt") <
        h.call("list_directory_with_sizes", R"({"path":".","sortBy":"size"})").text().find("[FILE] blob.dat"));

  CHECK(h.call("directory_tree", P("sub")).text() ==
        "[\n  {\n    \"name\": \"b.md\",\n    \"type\": \"file\"\n  },\n  {\n    \"name\": \"deep\",\n    \"type\": "
        "\"directory\",\n    \"children\": [\n      {\n        \"name\": \"c.txt\",\n        \"type\": \"file\"\n      "
        "}\n    ]\n  }\n]");
  CHECK(h.call("directory_tree", R"({"path":"sub","excludePatterns":["deep"]})").text() ==
        "[\n  {\n    \"name\": \"b.md\",\n    \"type\": \"file\"\n  }\n]");
  CHECK(h.call("directory_tree", P("emptydir")).text() == "[]");
  auto too_many = h.call("directory_tree", P("."));
  CHECK(too_many.failed());
  CHECK(too_many.text().find("max_results") != std::string::npos);
}

TEST_CASE("move_file never overwrites; search_files; get_file_info; allowed dirs", "[tools]") {
  Fixture f;
  FakeHost h(config_for(f.root, ",\"max_results\":2"));
  CHECK(h.call("move_file", R"({"source":"a.txt","destination":"sub/a2.txt"})").text() ==
        "Successfully moved a.txt to sub/a2.txt");
  CHECK(exists(f.root + "/sub/a2.txt"));
  CHECK_FALSE(exists(f.root + "/a.txt"));
  auto clash = h.call("move_file", R"({"source":"sub/a2.txt","destination":"sub/b.md"})");
  CHECK(clash.text() == "Destination already exists: " + f.root + "/sub/b.md");
  CHECK(slurp(f.root + "/sub/b.md") == "bee\n");
  CHECK(h.call("move_file", "{\"source\":" + q(f.root) + ",\"destination\":\"moved-root\"}").text().find(
            "Cannot move an allowed directory") == 0);
  CHECK(h.call("move_file", R"({"source":"sub","destination":"sub/deep/inside"})").failed());

  CHECK(h.call("search_files", R"({"path":".","pattern":"**/*.md"})").text() == f.root + "/sub/b.md");
  CHECK(h.call("search_files", R"({"path":".","pattern":"*.none"})").text() == "No matches found");
  std::string trunc = h.call("search_files", R"({"path":".","pattern":"**"})").text();
  CHECK(trunc.find("[results truncated at max_results = 2") != std::string::npos);
  CHECK(h.call("search_files", R"({"path":".","pattern":"**/*.txt","excludePatterns":["sub/deep/**"]})").text() ==
        f.root + "/sub/a2.txt");

  auto info = h.call("get_file_info", P("sub/b.md"));
  CHECK(info.text().find("size: 4\ncreated: ") == 0);
  CHECK(info.text().find("\nisDirectory: false\nisFile: true\npermissions: ") != std::string::npos);
  CHECK(info.structured.find("\"size\":4") != std::string::npos);
  CHECK(info.structured.find("\"isFile\":true") != std::string::npos);
  auto allowed = h.call("list_allowed_directories", "{}");
  CHECK(allowed.text() == "Allowed directories:\n" + f.root);
  CHECK(allowed.structured == "{\"directories\":[" + q(f.root) + "]}");
}

TEST_CASE("resource template reads text and blobs; prompts name the tools", "[resources][prompts]") {
  Fixture f;
  FakeHost h(config_for(f.root));
  auto text = h.read("file://" + f.root + "/sub/b.md", "{\"path\":" + q(f.root.substr(1) + "/sub/b.md") + "}");
  REQUIRE(text.status == MCPP_OK);
  REQUIRE(text.blocks.size() == 1);
  CHECK(text.blocks[0].type == "contents_text");
  CHECK(text.blocks[0].mime == "text/markdown");
  CHECK(text.blocks[0].text == "bee\n");
  spit(f.root + "/with space.bin", std::string("\0\xFF", 2));
  auto blob = h.read("", "{\"path\":" + q(f.root.substr(1) + "/with%20space.bin") + "}");
  REQUIRE(blob.blocks.size() == 1);
  CHECK(blob.blocks[0].type == "contents_blob");
  CHECK(h.read("", R"({"path":"etc/passwd"})").status == MCPP_ERR_NOT_FOUND);
  CHECK(h.read("", "{\"path\":" + q(f.root.substr(1) + "/nope") + "}").status == MCPP_ERR_NOT_FOUND);

  auto explore = h.prompt("explore_directory", R"({"path":"sub"})");
  CHECK(explore.status == MCPP_OK);
  CHECK(explore.text().find("directory_tree") != std::string::npos);
  auto edit = h.prompt("find_and_edit", R"({"pattern":"**/*.md","change":"fix typos"})");
  CHECK(edit.text().find("dryRun: true") != std::string::npos);
  CHECK(edit.text().find("search_files") != std::string::npos);
}

// Listings of directories whose times are old enough are reused (DirCache in
// plugin.cpp); a change to the directory must still show at once. Waits 2.2 s
// for the directory's times to leave the "racy" window, hence [heavy].
TEST_CASE("heavy: reused directory listings never go stale", "[tools][dirs][heavy]") {
  Fixture f;
  FakeHost h(config_for(f.root, ""));
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  const std::string before = "[FILE] a.txt\n[FILE] blob.dat\n[DIR] emptydir\n[FILE] img.png\n[DIR] sub";
  CHECK(h.call("list_directory", P(".")).text() == before);  // read and kept
  CHECK(h.call("list_directory", P(".")).text() == before);  // reused
  spit(f.root + "/new.txt", "n");
  CHECK(h.call("list_directory", P(".")).text() ==
        "[FILE] a.txt\n[FILE] blob.dat\n[DIR] emptydir\n[FILE] img.png\n[FILE] new.txt\n[DIR] sub");
  CHECK(h.call("list_directory", P("sub")).text() == "[FILE] b.md\n[DIR] deep");
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  CHECK(h.call("list_directory", P(".")).text().find("new.txt") != std::string::npos);  // kept again
  ::rename((f.root + "/new.txt").c_str(), (f.root + "/sub/moved.txt").c_str());
  CHECK(h.call("list_directory", P(".")).text() == before);
  CHECK(h.call("list_directory", P("sub")).text() == "[FILE] b.md\n[DIR] deep\n[FILE] moved.txt");
  CHECK(h.call("directory_tree", P("sub")).text().find("moved.txt") != std::string::npos);
}
