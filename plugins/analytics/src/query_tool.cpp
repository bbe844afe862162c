// query_tool.cpp - the `query` tool: one read-only SQL SELECT over the
// loaded datasets (each a table named by its data_id; `datasets` may name
// handles, which are resolved, and loaded on this replica if need be, first).
// Errors are isError results naming the tables and columns.
#include <chrono>
#include <rapidjson/document.h>

#include "analytics_plugin.h"
#include "json_out.h"
#include "sql.h"

namespace analytics {

void AnalyticsPlugin::Query(mcpp::Call& call, std::string_view args_json, mcpp::Result& r) {
  rapidjson::Document a;
  a.Parse(args_json.data(), args_json.size());
  if (a.HasParseError() || !a.IsObject()) throw mcpp::InvalidArgument("the arguments are not a JSON object");
  auto sql_it = a.FindMember("sql");
  if (sql_it == a.MemberEnd() || !sql_it->value.IsString() || sql_it->value.GetStringLength() == 0)
    throw mcpp::InvalidArgument("`sql` is required: one SELECT over the loaded datasets, e.g. "
                                "SELECT city, avg(temp) FROM weather GROUP BY city");
  std::string sql(sql_it->value.GetString(), sql_it->value.GetStringLength());
  SqlOptions opt;
  opt.max_rows = settings_.limits.max_rows;
  auto mr = a.FindMember("max_rows");
  if (mr != a.MemberEnd() && !mr->value.IsNull()) {
    if (!mr->value.IsUint64()) throw mcpp::InvalidArgument("`max_rows` must be a non-negative integer");
    opt.max_rows = std::min<size_t>(opt.max_rows, mr->value.GetUint64());
  }
  ProgressFn progress = [&call](uint64_t done, uint64_t total) {
    call.progress(static_cast<double>(done), static_cast<double>(total), "loading");
    return !call.is_cancelled();
  };
  try {
    auto ds_it = a.FindMember("datasets");
    if (ds_it != a.MemberEnd() && ds_it->value.IsArray())
      for (const auto& v : ds_it->value.GetArray())
        if (v.IsString()) store_.Get(v.GetString(), progress);
  } catch (const UserError& e) {
    throw mcpp::InvalidArgument(e.what());
  } catch (const LoadCancelled&) {
    throw mcpp::Cancelled("loading was cancelled");
  }
  // The datasets stay alive (shared_ptrs) until the query is done, even if
  // another call drops them meanwhile.
  std::vector<SqlTable> tables;
  for (const auto& ds : store_.List()) tables.push_back({ds->data_id, ds->frame});
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  opt.deadline_unix_ms = now_ms + static_cast<int64_t>(settings_.query_timeout_seconds * 1000.0);
  if (call.deadline_unix_ms() > 0) opt.deadline_unix_ms = std::min(opt.deadline_unix_ms, call.deadline_unix_ms());
  opt.cancelled = [&call] { return call.is_cancelled(); };

  auto t0 = std::chrono::steady_clock::now();
  SqlResult res;
  try {
    res = RunQuery(sql, tables, opt);
  } catch (const UserError& e) {
    throw mcpp::InvalidArgument(e.what());
  } catch (const QueryStopped& e) {
    if (!e.deadline()) throw mcpp::Cancelled(e.what());
    throw mcpp::InvalidArgument(std::string(e.what()) + " (limit: the call's deadline or query_timeout_seconds = " +
                                FormatNumber(settings_.query_timeout_seconds) + ")");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  w.Key("success");
  w.Bool(true);
  w.Key("sql");
  Str(w, sql);
  w.Key("columns");
  w.StartArray();
  for (const auto& c : res.columns) Str(w, c);
  w.EndArray();
  w.Key("types");
  w.StartArray();
  for (const auto& t : res.types) Str(w, t);
  w.EndArray();
  w.Key("rows");
  w.RawValue(res.rows_json.data(), res.rows_json.size(), rapidjson::kArrayType);
  w.Key("info");
  w.StartObject();
  w.Key("row_count");
  w.Uint64(res.row_count);
  w.Key("truncated");
  w.Bool(res.truncated);
  w.Key("max_rows");
  w.Uint64(opt.max_rows);
  w.Key("tables");
  w.StartArray();
  for (const auto& t : tables) Str(w, t.name);
  w.EndArray();
  w.Key("seconds");
  w.Double(seconds);
  w.EndObject();
  w.EndObject();
  r.add_text(res.text);
  r.set_structured_json(std::string_view(sb.GetString(), sb.GetSize()));
}

}  // namespace analytics
