// store_test.cpp - roots, handles across "replicas" (two stores sharing a
// secret), the per-process cache, limits and drop.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ops.h"
#include "store.h"

using namespace analytics;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/analytics-store-XXXXXX";
    path = fs::path(::mkdtemp(tmpl));
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

StoreConfig Config(const TempDir& root, const std::string& secret = "s3cret") {
  StoreConfig c;
  c.roots = {fs::canonical(root.path / "data").string()};
  c.secret = secret;
  c.secret_configured = true;
  return c;
}
}  // namespace

TEST_CASE("store: only files under the roots", "[analytics][store]") {
  TempDir t;
  t.write("data/a.csv", "x,y\n1,2\n");
  t.write("secret.csv", "x\n1\n");
  fs::create_symlink(t.path / "secret.csv", t.path / "data" / "link.csv");
  Store s(Config(t));
  CHECK(s.Load("a.csv", "a", {}, nullptr)->frame->rows == 1);  // relative to the first root
  CHECK_THROWS_WITH(s.Load((t.path / "secret.csv").string(), "b", {}, nullptr), Catch::Contains("outside the allowed"));
  CHECK_THROWS_WITH(s.Load("../secret.csv", "b", {}, nullptr), Catch::Contains("outside the allowed"));
  CHECK_THROWS_WITH(s.Load("link.csv", "b", {}, nullptr), Catch::Contains("outside the allowed"));
  CHECK_THROWS_WITH(s.Load("missing.csv", "b", {}, nullptr), Catch::Contains("cannot find"));
  CHECK_THROWS_WITH(s.Load("a.csv", "bad id!", {}, nullptr), Catch::Contains("not usable"));
  StoreConfig none = Config(t);
  none.roots.clear();
  CHECK_THROWS_WITH(Store(none).Load("a.csv", "a", {}, nullptr), Catch::Contains("roots"));
}

TEST_CASE("store: a handle resolves on another replica with the same secret", "[analytics][store]") {
  TempDir t;
  std::string path = t.write("data/sales.csv", "region;amount\nnorth;10\nsouth;20\n");
  Store a(Config(t));
  LoadOptions o;
  o.delimiter = ';';
  auto ds = a.Load(path, "sales", o, nullptr);
  REQUIRE(Store::IsHandle(ds->handle));
  CHECK(a.Get(ds->handle).get() == ds.get());

  Store b(Config(t));  // a fresh process: nothing loaded
  CHECK_THROWS_WITH(b.Get("sales"), Catch::Contains("load_data"));
  auto again = b.Get(ds->handle);
  CHECK(again->frame->rows == 2);
  CHECK(again->options.delimiter == ';');
  CHECK(b.Get("sales")->frame.get() == again->frame.get());  // registered under its data_id

  std::string tampered = ds->handle;
  tampered[6] = tampered[6] == 'A' ? 'B' : 'A';
  CHECK_THROWS_WITH(b.Get(tampered), Catch::Contains("not valid"));
  Store other(Config(t, "another secret"));
  CHECK_THROWS_WITH(other.Get(ds->handle), Catch::Contains("not valid"));
}

TEST_CASE("store: cache, replace, drop and the memory limit", "[analytics][store]") {
  TempDir t;
  std::string path = t.write("data/n.csv", "v\n1\n2\n3\n");
  Store s(Config(t));
  auto a = s.Load(path, "one", {}, nullptr);
  auto b = s.Load(path, "two", {}, nullptr);
  CHECK(a->frame.get() == b->frame.get());  // same path, size, mtime, options
  CHECK(s.List().size() == 2);
  CHECK(s.Drop("one"));
  CHECK_FALSE(s.Drop("one"));
  CHECK(s.Drop(b->handle));
  CHECK(s.List().empty());

  StoreConfig small = Config(t);
  small.max_dataset_bytes = 64;
  std::string big = "x,y\n";
  for (int i = 0; i < 1000; ++i) big += std::to_string(i) + ",text" + std::to_string(i) + "\n";
  t.write("data/big.csv", big);
  Store limited(small);
  CHECK_THROWS_WITH(limited.Load("big.csv", "big", {}, nullptr),
                    Catch::Contains("max_dataset_mb") && Catch::Contains("drop_data"));
}

TEST_CASE("store: schema discovery counts nulls and uniques, keeps samples", "[analytics][store]") {
  TempDir t;
  t.write("data/s.csv", "k,v\na,1\nb,\na,3\nc,3\n");
  Store s(Config(t));
  auto ds = s.Load("s.csv", "s", {}, nullptr);
  REQUIRE(ds->schema.size() == 2);
  CHECK(ds->schema[0].unique_count == 3);
  CHECK(ds->schema[1].null_count == 1);
  CHECK(ds->schema[1].unique_count == 2);
  CHECK(ds->schema[0].sample_rows == std::vector<size_t>{0, 1, 3});
}
