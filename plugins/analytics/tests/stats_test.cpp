// stats_test.cpp - the numeric kernels against values worked out by hand
// (and by pandas/numpy), the operations, and the handle seal.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <rapidjson/document.h>
#include <string>

#include "loader.h"
#include "ops.h"
#include "seal.h"
#include "stats.h"

using namespace analytics;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
DataFrame Csv(const std::string& text) { return LoadText(text, "t.csv", {}, nullptr, 0); }
rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
OpOutput Run(const DataFrame& df, const std::string& op, const std::string& args = "{}") {
  rapidjson::Document a = Json(args);
  return RunOperation(df, op, a, OpLimits{});
}
std::string Hex(const std::array<uint8_t, 32>& d) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += k[b >> 4];
    s += k[b & 15];
  }
  return s;
}
}  // namespace

TEST_CASE("quantiles interpolate linearly as numpy does", "[analytics][stats]") {
  std::vector<double> v = {1, 2, 3, 4};
  CHECK(QuantileSorted(v, 0.25) == Approx(1.75));
  CHECK(QuantileSorted(v, 0.5) == Approx(2.5));
  CHECK(QuantileSorted(v, 0.75) == Approx(3.25));
  CHECK(QuantileSorted(v, 0) == 1);
  CHECK(QuantileSorted(v, 1) == 4);
  CHECK(std::isnan(QuantileSorted({}, 0.5)));
  CHECK(QuantileSorted({7}, 0.3) == 7);
}

TEST_CASE("numeric summary: mean, std with ddof 1, nulls skipped", "[analytics][stats]") {
  DataFrame df = Csv("x\n2\n4\n\n4\n4\n5\n5\n7\n9\n");
  NumericSummary s = SummarizeNumeric(df.columns[0], {0.25, 0.5, 0.75});
  CHECK(s.count == 8);
  CHECK(s.mean == Approx(5.0));
  CHECK(s.std == Approx(2.138089935299395));
  CHECK(s.min == 2);
  CHECK(s.max == 9);
  CHECK(s.quantiles[0] == Approx(4.0));
  CHECK(s.quantiles[1] == Approx(4.5));
  CHECK(s.quantiles[2] == Approx(5.5));
  DataFrame one = Csv("x\n3\n");
  CHECK(std::isnan(SummarizeNumeric(one.columns[0], {}).std));
}

TEST_CASE("numeric summary: quantiles by selection on a large shuffled column", "[analytics][stats]") {
  std::string text = "v\n";
  for (int i = 0; i < 3000; ++i) text += std::to_string((i * 7919) % 3000) + "\n";  // 0..2999 shuffled
  DataFrame df = Csv(text);
  NumericSummary s = SummarizeNumeric(df.columns[0], {0.05, 0.25, 0.333, 0.5, 0.75, 0.95});
  CHECK(s.quantiles[0] == Approx(149.95));
  CHECK(s.quantiles[1] == Approx(749.75));
  CHECK(s.quantiles[2] == Approx(998.667));
  CHECK(s.quantiles[3] == Approx(1499.5));
  CHECK(s.quantiles[4] == Approx(2249.25));
  CHECK(s.quantiles[5] == Approx(2849.05));
  CHECK(s.min == 0);
  CHECK(s.max == 2999);
}

TEST_CASE("correlation: pairwise-complete pearson, spearman with ties", "[analytics][stats]") {
  std::vector<std::vector<double>> cols = {{1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}, {2, 4, 6, 8, 10}, {1, 1, 1, 1, 1}};
  auto p = Correlation(cols, "pearson", 1);
  CHECK(p[0 * 4 + 2] == Approx(1.0));
  CHECK(p[0 * 4 + 1] == Approx(0.8320502943378437));
  CHECK(std::isnan(p[0 * 4 + 3]));  // a constant column
  auto s = Correlation(cols, "spearman", 1);
  CHECK(s[0 * 4 + 1] == Approx(0.8207826816681233));
  // Missing values: pairs use only their common rows.
  std::vector<std::vector<double>> m = {{1, 2, kNaN, 4, 5}, {2, 4, 100, 8, kNaN}};
  auto pm = Correlation(m, "pearson", 1);
  CHECK(pm[1] == Approx(1.0));
  auto sm = Correlation(m, "spearman", 1);
  CHECK(sm[1] == Approx(1.0));
  CHECK(std::isnan(Correlation(m, "pearson", 4)[1]));  // min_periods
  auto r = AverageRanks({10, 20, 10, kNaN, 30});
  CHECK(r[0] == 1.5);
  CHECK(r[2] == 1.5);
  CHECK(std::isnan(r[3]));
  CHECK(r[4] == 4);
}

TEST_CASE("operations: summary shapes, value_counts, group_by, filter, missing, outliers", "[analytics][ops]") {
  DataFrame df = Csv(
      "city,temp,rain,ok\n"
      "Oslo,3,10,True\n"
      "Rome,18,,False\n"
      "Oslo,5,12,True\n"
      "Lima,20,1,True\n"
      "Oslo,,8,False\n"
      "Rome,16,3,True\n");
  SECTION("summary numeric: describe().to_dict() shape") {
    auto d = Json(Run(df, "summary").result_json);
    CHECK(d.HasMember("temp"));
    CHECK_FALSE(d.HasMember("city"));
    CHECK(d["temp"]["count"].GetDouble() == 5);
    CHECK(d["temp"]["50%"].GetDouble() == 16);
    CHECK(d["rain"]["std"].GetDouble() == Approx(4.658325879540846));
  }
  SECTION("summary include all: every statistic for every column, null where it does not apply") {
    auto d = Json(Run(df, "summary", R"({"include":"all"})").result_json);
    CHECK(std::string(d["city"]["top"].GetString()) == "Oslo");
    CHECK(d["city"]["freq"].GetInt() == 3);
    CHECK(d["city"]["unique"].GetInt() == 3);
    CHECK(d["city"]["mean"].IsNull());
    CHECK(d["temp"]["top"].IsNull());
    CHECK(d["ok"]["top"].GetBool() == true);
  }
  SECTION("value_counts") {
    OpOutput o = Run(df, "value_counts", R"({"column":"city"})");
    auto d = Json(o.result_json);
    CHECK(d["Oslo"].GetInt() == 3);
    CHECK(d["Rome"].GetInt() == 2);
    CHECK(std::string(d.MemberBegin()->name.GetString()) == "Oslo");
    CHECK(Json(Run(df, "value_counts", R"({"column":"city","normalize":true})").result_json)["Oslo"].GetDouble() == 0.5);
  }
  SECTION("group_by: sorted keys, size, named aggregations") {
    auto d = Json(Run(df, "group_by", R"({"by":["city"],"aggregations":{"temp":["mean","max","count"],"rain":"sum"}})").result_json);
    REQUIRE(d.IsArray());
    REQUIRE(d.Size() == 3);
    CHECK(std::string(d[0]["city"].GetString()) == "Lima");
    CHECK(d[1]["size"].GetInt() == 3);
    CHECK(d[1]["temp_mean"].GetDouble() == 4);
    CHECK(d[1]["temp_count"].GetDouble() == 2);
    CHECK(d[1]["rain_sum"].GetDouble() == 30);
    CHECK(d[2]["temp_max"].GetDouble() == 18);
    CHECK_THROWS_AS(Run(df, "group_by", R"({"by":["city"],"aggregations":{"city":"mean"}})"), UserError);
  }
  SECTION("filter") {
    auto rows = [&](const char* args) {
      rapidjson::Document a = Json(args);
      return FilterRows(df, a);
    };
    CHECK(rows(R"({"conditions":[{"column":"temp","op":">=","value":16}]})") == std::vector<size_t>{1, 3, 5});
    CHECK(rows(R"({"conditions":[{"column":"city","op":"==","value":"Oslo"},{"column":"ok","op":"==","value":true}]})") ==
          std::vector<size_t>{0, 2});
    CHECK(rows(R"({"combine":"or","conditions":[{"column":"temp","op":"is_null"},{"column":"city","op":"contains","value":"im"}]})") ==
          std::vector<size_t>{3, 4});
    CHECK(rows(R"({"conditions":[{"column":"temp","op":"!=","value":3}]})").size() == 5);  // NaN != 3, as pandas
    CHECK_THROWS_WITH(rows(R"({"conditions":[{"column":"nope","op":"==","value":1}]})"),
                      Catch::Contains("unknown column") && Catch::Contains("city, temp, rain, ok"));
    CHECK_THROWS_WITH(rows(R"({"conditions":[{"column":"temp","op":">","value":"warm"}]})"),
                      Catch::Contains("compare it with a number"));
    auto recs = Json(Run(df, "filter", R"({"conditions":[{"column":"rain","op":"<","value":5}]})").result_json);
    REQUIRE(recs.Size() == 2);
    CHECK(std::string(recs[0]["city"].GetString()) == "Lima");
  }
  SECTION("missing and outliers") {
    auto m = Json(Run(df, "missing").result_json);
    CHECK(m["temp"].GetInt() == 1);
    CHECK(m["city"].GetInt() == 0);
    DataFrame o = Csv("v\n1\n2\n3\n4\n5\n6\n7\n8\n100\n");
    auto d = Json(Run(o, "outliers").result_json);
    CHECK(d["v"]["count"].GetInt() == 1);
    CHECK(d["v"]["rows"][0].GetInt() == 8);
    CHECK(d["v"]["q1"].GetDouble() == 3);
  }
  SECTION("head and sample") {
    CHECK(Json(Run(df, "head", R"({"n":2})").result_json).Size() == 2);
    auto a = Run(df, "sample", R"({"n":3,"seed":7})").result_json;
    CHECK(a == Run(df, "sample", R"({"n":3,"seed":7})").result_json);
    CHECK(Json(a).Size() == 3);
  }
  SECTION("unknown operation lists the valid ones") {
    CHECK_THROWS_WITH(Run(df, "pivot"), Catch::Contains("summary, correlation, value_counts"));
  }
}

TEST_CASE("seal: SHA-256 and HMAC-SHA256 test vectors, base64url", "[analytics][seal]") {
  CHECK(Hex(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Hex(Sha256(std::string(1000, 'a'))) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  CHECK(Hex(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string back;
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    REQUIRE(FromBase64Url(Base64Url(s), back));
    CHECK(back == s);
  }
  CHECK(Base64Url("foobar") == "Zm9vYmFy");
}
