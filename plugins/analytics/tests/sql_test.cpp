// sql_test.cpp - the query engine: results against values computed from the
// frame itself, types (booleans, NaN, datetimes), the authorizer's denials,
// error messages, max_rows, cancellation and deadlines.
#include <catch2/catch.hpp>
#include <cmath>
#include <rapidjson/document.h>
#include <string>

#include "loader.h"
#include "ops.h"
#include "sql.h"

using namespace analytics;

namespace {

std::shared_ptr<const DataFrame> Frame(const std::string& csv) {
  return std::make_shared<const DataFrame>(LoadText(csv, "t.csv", {}, nullptr, 0));
}

const char* kPeople =
    "name,age,score,member,joined,city\n"
    "Ann,31,88.5,true,1958-03-29,Oslo\n"
    "Bob,,92.25,false,03/30/1958,Rome\n"
    "Cy,45,nan,true,1958/03/31 10:00:00,Oslo\n"
    "Dee,29,71,,1958-04-01T08:30:00Z,Lima\n";

std::vector<SqlTable> Tables() { return {{"people", Frame(kPeople)}, {"my-data", Frame("k,v\n1,2\n3,4\n")}}; }

rapidjson::Document Rows(const SqlResult& r) {
  rapidjson::Document d;
  d.Parse(r.rows_json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string Err(const std::string& sql, const std::vector<SqlTable>& t = Tables()) {
  try {
    RunQuery(sql, t, {});
  } catch (const UserError& e) {
    return e.what();
  }
  FAIL("no error for " << sql);
  return "";
}

}  // namespace

TEST_CASE("sql: aggregates equal the frame's own numbers", "[analytics][sql]") {
  auto tables = Tables();
  const DataFrame& df = *tables[0].frame;
  SqlResult r = RunQuery("SELECT city, count(*) AS n, avg(score) AS s, sum(age) FROM people GROUP BY city ORDER BY city",
                         tables, {});
  REQUIRE(r.columns == std::vector<std::string>{"city", "n", "s", "sum(age)"});
  CHECK(r.types == std::vector<std::string>{"string", "integer", "float", "integer"});
  auto d = Rows(r);
  REQUIRE(d.Size() == 3);
  // The same by hand over the columns.
  const Column& city = *df.find("city");
  const Column& score = *df.find("score");
  const Column& age = *df.find("age");
  for (const auto& row : d.GetArray()) {
    std::string c = row[0].GetString();
    long n = 0, agesum = 0, scores = 0, ages = 0;
    double ssum = 0;
    for (size_t i = 0; i < df.rows; ++i) {
      if (city.text(i) != c) continue;
      ++n;
      if (!score.is_null(i) && !std::isnan(score.floats[i])) {
        ssum += score.floats[i];
        ++scores;
      }
      if (!age.is_null(i)) {
        agesum += age.ints[i];
        ++ages;
      }
    }
    INFO(c);
    CHECK(row[1].GetInt64() == n);
    if (scores)
      CHECK(row[2].GetDouble() == Approx(ssum / static_cast<double>(scores)));
    else
      CHECK(row[2].IsNull());
    if (ages)
      CHECK(row[3].GetInt64() == agesum);
    else
      CHECK(row[3].IsNull());  // SQL's sum() of no values
  }
  CHECK_THAT(r.text, Catch::Contains("city") && Catch::Contains("3 rows"));
}

TEST_CASE("sql: booleans, NaN, nulls and ISO datetimes", "[analytics][sql]") {
  SqlResult r = RunQuery("SELECT name, member, score, joined, member + 0 AS m FROM people ORDER BY name", Tables(), {});
  CHECK(r.types == std::vector<std::string>{"string", "boolean", "float", "datetime", "integer"});
  auto d = Rows(r);
  REQUIRE(d.Size() == 4);
  CHECK(d[0][1].IsBool());
  CHECK(d[0][1].GetBool() == true);   // a boolean column comes back as true/false
  CHECK(d[1][1].GetBool() == false);
  CHECK(d[3][1].IsNull());            // missing
  CHECK(d[0][4].GetInt() == 1);       // an expression over it is the 0/1 SQLite sees
  CHECK(d[2][2].IsNull());            // NaN -> null
  CHECK(std::string(d[0][3].GetString()) == "1958-03-29");
  CHECK(std::string(d[1][3].GetString()) == "1958-03-30");        // 03/30/1958 rewritten
  CHECK(std::string(d[2][3].GetString()) == "1958-03-31 10:00:00");
  CHECK(std::string(d[3][3].GetString()) == "1958-04-01T08:30:00Z");  // already ISO: kept
  // Datetimes compare as ISO text, booleans as 0/1.
  r = RunQuery("SELECT count(*) FROM people WHERE joined >= '1958-03-30' AND member = 1", Tables(), {});
  CHECK(Rows(r)[0][0].GetInt() == 1);  // Cy
  // Quoted table names; a join.
  r = RunQuery("SELECT p.name, m.v FROM people p JOIN \"my-data\" m ON m.k = 1 WHERE p.age > 40", Tables(), {});
  CHECK(Rows(r)[0][1].GetInt() == 2);
}

TEST_CASE("sql: max_rows truncates and says so", "[analytics][sql]") {
  SqlOptions o;
  o.max_rows = 3;
  SqlResult r = RunQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n",
                         Tables(), o);
  CHECK(r.row_count == 3);
  CHECK(r.truncated);
  CHECK(Rows(r).Size() == 3);
  CHECK_THAT(r.text, Catch::Contains("truncated at max_rows = 3"));
  o.max_rows = 10;
  r = RunQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n",
               Tables(), o);
  CHECK(r.row_count == 10);
  CHECK_FALSE(r.truncated);
}

TEST_CASE("sql: the authorizer refuses writes, ATTACH, PRAGMA changes and extensions", "[analytics][sql]") {
  for (const char* sql : {"INSERT INTO people(name) VALUES ('x')", "UPDATE people SET age = 1",
                          "DELETE FROM people", "DROP TABLE people", "CREATE TABLE t(a)",
                          "CREATE TEMP VIEW v AS SELECT 1", "ATTACH DATABASE '/tmp/x.db' AS x",
                          "PRAGMA writable_schema = 1", "PRAGMA journal_mode", "BEGIN",
                          "SELECT load_extension('/tmp/evil')", "ALTER TABLE people RENAME TO q"}) {
    std::string e = Err(sql);
    INFO(sql << " -> " << e);
    CHECK((e.find("not allowed") != std::string::npos || e.find("read-only") != std::string::npos));
    CHECK_THAT(e, Catch::Contains("people("));  // says what exists
  }
  // Reading pragmas work.
  SqlResult r = RunQuery("PRAGMA table_info(people)", Tables(), {});
  CHECK(Rows(r).Size() == 6);
  // One statement per call.
  CHECK_THAT(Err("SELECT 1; DELETE FROM people"), Catch::Contains("one statement"));
  // A trailing ; and comment are fine.
  CHECK(RunQuery("SELECT 1; -- done", Tables(), {}).row_count == 1);
}

TEST_CASE("sql: errors say what went wrong and what tables and columns exist", "[analytics][sql]") {
  std::string e = Err("SELECT agee FROM people");
  CHECK_THAT(e, Catch::Contains("no such column: agee") && Catch::Contains("people(name text, age integer") &&
                    Catch::Contains("member boolean") && Catch::Contains("joined datetime text"));
  e = Err("SELECT * FROM peple");
  CHECK_THAT(e, Catch::Contains("no such table: peple") && Catch::Contains("\"my-data\"(k integer, v integer)"));
  CHECK_THAT(Err("SELEC 1"), Catch::Contains("syntax error"));
  // Names SQL needs quoted are listed quoted.
  CHECK_THAT(Err("SELECT x FROM t", {{"t", Frame("when,my col,ok\n1,2,3\n")}}),
             Catch::Contains("t(\"when\" integer, \"my col\" integer, ok integer)"));
  CHECK_THAT(Err("SELECT * FROM t", {}), Catch::Contains("no such table") && Catch::Contains("no datasets are loaded"));
}

TEST_CASE("sql: the progress handler stops cancelled and overdue queries", "[analytics][sql]") {
  const char* slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                     "SELECT count(*) FROM n";
  SqlOptions o;
  int polls = 0;
  o.cancelled = [&] { return ++polls > 5; };
  try {
    RunQuery(slow, Tables(), o);
    FAIL("not stopped");
  } catch (const QueryStopped& e) {
    CHECK_FALSE(e.deadline());
    CHECK(polls == 6);
    CHECK_THAT(e.what(), Catch::Contains("cancelled"));
  }
  SqlOptions d;
  d.deadline_unix_ms = 1;  // long past
  try {
    RunQuery(slow, Tables(), d);
    FAIL("not stopped");
  } catch (const QueryStopped& e) {
    CHECK(e.deadline());
    CHECK_THAT(e.what(), Catch::Contains("deadline"));
  }
}

TEST_CASE("sql: the virtual table reads the frame in place", "[analytics][sql]") {
  // A frame of 20000 rows: the sum through SQL equals the sum of the array.
  std::string csv = "a,b\n";
  for (int i = 0; i < 20000; ++i) csv += std::to_string(i * 7 % 1000) + "," + std::to_string(i % 3 == 0) + "\n";
  auto f = Frame(csv);
  SqlResult r = RunQuery("SELECT sum(a), count(*) FROM t WHERE a > 500", {{"t", f}}, {});
  long sum = 0, n = 0;
  for (size_t i = 0; i < f->rows; ++i)
    if (f->columns[0].ints[i] > 500) {
      sum += f->columns[0].ints[i];
      ++n;
    }
  auto d = Rows(r);
  CHECK(d[0][0].GetInt64() == sum);
  CHECK(d[0][1].GetInt64() == n);
}
