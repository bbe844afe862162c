// loader_test.cpp - CSV dialects, header and type detection, JSON, errors,
// cancellation and the memory cap.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "loader.h"

using namespace analytics;

namespace {
DataFrame Csv(const std::string& text, LoadOptions o = {}) { return LoadText(text, "t.csv", o, nullptr, 0); }
const Column& Col(const DataFrame& df, const char* name) {
  const Column* c = df.find(name);
  INFO(name);
  REQUIRE(c != nullptr);
  return *c;
}
}  // namespace

TEST_CASE("csv: RFC 4180 quoting, CRLF and BOM", "[analytics][loader]") {
  std::string text =
      "\xEF\xBB\xBFname,quote,n\r\n"
      "\"Smith, J\",\"said \"\"hi\"\"\",1\r\n"
      "\"multi\r\nline\",plain,2\r\n"
      "last,,3";  // no final newline; an empty field is null
  LoadInfo info;
  DataFrame df = LoadText(text, "x.csv", {}, nullptr, 0, &info);
  CHECK(info.delimiter == ',');
  CHECK(info.header);
  REQUIRE(df.rows == 3);
  REQUIRE(df.columns.size() == 3);
  CHECK(df.columns[0].name == "name");  // BOM stripped
  CHECK(Col(df, "name").text(0) == "Smith, J");
  CHECK(Col(df, "name").text(1) == "multi\r\nline");
  CHECK(Col(df, "quote").text(0) == "said \"hi\"");
  CHECK(Col(df, "quote").is_null(2));
  CHECK(Col(df, "n").type == Type::Integer);
  CHECK(Col(df, "n").ints[2] == 3);
}

TEST_CASE("csv: delimiter sniffing", "[analytics][loader]") {
  CHECK(SniffDelimiter("a;b;c\n1;2;3\n4;5;6\n") == ';');
  CHECK(SniffDelimiter("a\tb\n1\t2\n") == '\t');
  CHECK(SniffDelimiter("a|b|c\n1|2|3\n") == '|');
  CHECK(SniffDelimiter("a,b\n\"1;2\",3\n") == ',');
  CHECK(SniffDelimiter("x;y\n\"1,5\";2\n\"2,5\";3\n") == ';');
  DataFrame df = LoadText("a\tb\n1\t2.5\n", "data.tsv", {}, nullptr, 0);
  REQUIRE(df.columns.size() == 2);
  CHECK(Col(df, "b").floats[0] == 2.5);
}

TEST_CASE("csv: header detection", "[analytics][loader]") {
  SECTION("a header over numbers") {
    DataFrame df = Csv("x,y\n1,2\n3,4\n");
    CHECK(df.rows == 2);
    CHECK(df.columns[0].name == "x");
  }
  SECTION("no header: the first row is data like the rest") {
    LoadInfo info;
    DataFrame df = LoadText("1,2.5,abc\n3,4.5,def\n", "t.csv", {}, nullptr, 0, &info);
    CHECK_FALSE(info.header);
    CHECK(df.rows == 2);
    CHECK(df.columns[0].name == "column_1");
    CHECK(df.columns[2].name == "column_3");
    CHECK(df.columns[0].type == Type::Integer);
  }
  SECTION("all text: the first row is a header (pandas' default)") {
    DataFrame df = Csv("city,country\nParis,France\n");
    CHECK(df.rows == 1);
    CHECK(df.columns[1].name == "country");
  }
  SECTION("numbers as names over floats are a header (csv.Sniffer's rule)") {
    DataFrame df = Csv("name,1960,1961\nA,1.5,2.25\nB,3.5,4.75\n");
    CHECK(df.rows == 2);
    CHECK(df.columns[1].name == "1960");
  }
  SECTION("forced") {
    LoadOptions o;
    o.header = 0;
    DataFrame df = Csv("city,country\nParis,France\n", o);
    CHECK(df.rows == 2);
  }
  SECTION("duplicate and empty names as pandas mangles them") {
    DataFrame df = Csv("a,a,,b\n1,2,3,4\n");
    CHECK(df.columns[1].name == "a.1");
    CHECK(df.columns[2].name == "Unnamed: 2");
  }
}

TEST_CASE("schema: types, nulls and dates only with separators", "[analytics][loader]") {
  DataFrame df = Csv(
      "i,f,b,d,dt,plain_date,year,s,in\n"
      "1,1.5,True,1958-03-29,1958-03-29T10:00:00Z,19580329,1935,x,1\n"
      "2,NaN,false,1958/04/01,2020-01-01 12:30:00.5+02:00,19580330,1936,y,NA\n"
      "-3,1e3,TRUE,03/29/1958,2020-01-02 00:00,19580331,1937,,3\n");
  CHECK(Col(df, "i").type == Type::Integer);
  CHECK(Col(df, "f").type == Type::Float);
  CHECK(Col(df, "f").null_count == 1);
  CHECK(std::isnan(Col(df, "f").floats[1]));
  CHECK(Col(df, "b").type == Type::Boolean);
  CHECK(Col(df, "d").type == Type::Datetime);
  CHECK(Col(df, "dt").type == Type::Datetime);
  CHECK(Col(df, "plain_date").type == Type::Integer);  // 19580329 stays a number
  CHECK(Col(df, "year").type == Type::Integer);        // 1935 too
  CHECK(Col(df, "s").type == Type::String);
  CHECK(Col(df, "s").null_count == 1);
  CHECK(Col(df, "in").type == Type::Integer);  // integers with a null stay integers
  CHECK(Col(df, "in").null_count == 1);
  CHECK(std::string(PandasDtype(Type::Integer, 1)) == "float64");
  double t = 0;
  REQUIRE(ParseDatetime("1970-01-02T00:00:00Z", &t));
  CHECK(t == 86400);
  REQUIRE(ParseDatetime("1970-01-01T02:00:00+02:00", &t));
  CHECK(t == 0);
  CHECK_FALSE(ParseDatetime("19580329"));
  CHECK_FALSE(ParseDatetime("1958-13-01"));
}

TEST_CASE("csv: malformed input says where", "[analytics][loader]") {
  CHECK_THROWS_WITH(Csv("a,b\n1,2\n3,4,5\n"), Catch::Contains("line 3") && Catch::Contains("expected 2 fields"));
  CHECK_THROWS_WITH(Csv("a,b\n1,\"open\n2,3\n"), Catch::Contains("line 2") && Catch::Contains("never closed"));
  // Short rows are padded with nulls, as pandas does; blank lines are skipped.
  DataFrame df = Csv("a,b,c\n1,2\n\n4,5,6\n");
  CHECK(df.rows == 2);
  CHECK(Col(df, "c").is_null(0));
}

TEST_CASE("json: array of records and JSON Lines", "[analytics][loader]") {
  std::string arr = R"([{"a": 1, "b": "x", "c": 1.5, "d": true},
                        {"a": null, "b": "2024-01-01", "e": {"k": 1}},
                        {"a": 3, "c": 2, "d": false}])";
  LoadInfo info;
  DataFrame df = LoadText(arr, "r.json", {}, nullptr, 0, &info);
  CHECK(info.format == "json");
  REQUIRE(df.rows == 3);
  REQUIRE(df.columns.size() == 5);
  CHECK(Col(df, "a").type == Type::Integer);
  CHECK(Col(df, "a").null_count == 1);
  CHECK(Col(df, "b").type == Type::String);
  CHECK(Col(df, "c").type == Type::Float);
  CHECK(Col(df, "c").floats[2] == 2.0);
  CHECK(Col(df, "d").type == Type::Boolean);
  CHECK(Col(df, "e").text(1) == R"({"k":1})");
  CHECK(Col(df, "e").null_count == 2);

  DataFrame jl = LoadText("{\"a\": 1}\n\n{\"a\": 2.5, \"b\": \"q\"}\r\n", "r.jsonl", {}, nullptr, 0, &info);
  CHECK(info.format == "jsonl");
  CHECK(jl.rows == 2);
  CHECK(Col(jl, "a").type == Type::Float);
  CHECK(Col(jl, "b").is_null(0));
  // Sniffed by content when the extension says nothing.
  CHECK(LoadText("[{\"a\":1}]", "data", {}, nullptr, 0).rows == 1);
  CHECK_THROWS_WITH(LoadText("[1, 2]", "r.json", {}, nullptr, 0), Catch::Contains("not an object"));
  CHECK_THROWS_WITH(LoadText("{\"a\":1}\n{\"a\":\n", "r.jsonl", {}, nullptr, 0), Catch::Contains("line 2"));
  CHECK_THROWS_WITH(LoadText("{\"a\": 1}", "r.json", {"json"}, nullptr, 0), Catch::Contains("not an array"));
}

TEST_CASE("loading reports progress, can be cancelled, and respects the memory cap", "[analytics][loader]") {
  std::string big = "a,b,c\n";
  while (big.size() < (12u << 20)) big += "12345,678.25,some text here\n";
  int calls = 0;
  double last = -1;
  bool increasing = true;
  DataFrame df = LoadText(big, "big.csv", {}, [&](uint64_t done, uint64_t total) {
    ++calls;
    increasing &= static_cast<double>(done) > last && done <= total;
    last = static_cast<double>(done);
    return true;
  }, 0);
  CHECK(calls >= 4);
  CHECK(increasing);
  CHECK(df.columns.size() == 3);
  CHECK(df.memory_bytes() < big.size() * 2);
  CHECK_THROWS_AS(LoadText(big, "big.csv", {}, [](uint64_t, uint64_t) { return false; }, 0), LoadCancelled);
  CHECK_THROWS_AS(LoadText(big, "big.csv", {}, nullptr, 1 << 20), LoadTooLarge);
}
