// plugin.cpp - the analytics plugin: tools load_data, analyze_data, query,
// plot, list_datasets, drop_data; resources analytics://status,
// analytics://datasets and the data/schema templates; three prompts; the
// completers of the templates' and prompts' arguments (complete.cpp).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <mcphost/mcp_plugin.hpp>
#include <rapidjson/document.h>
#include <string>

#include "analytics_plugin.h"
#include "json_out.h"
#include "ops.h"
#include "stats.h"
#include "store.h"

namespace analytics {

namespace {

constexpr const char* kLoadSchema = R"({
  "type": "object",
  "properties": {
    "file_path": {"type": "string", "minLength": 1,
      "description": "Path of a CSV, TSV, JSON (array of records) or JSON Lines file, absolute or relative to the first configured data folder. Only files under the configured roots can be read."},
    "data_id": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$",
      "description": "The name to give the dataset in later calls, e.g. \"sales\". Loading again under the same name replaces it."},
    "format": {"type": "string", "enum": ["auto", "csv", "tsv", "json", "jsonl"],
      "description": "File format; auto (default) decides by extension, then by content."},
    "delimiter": {"type": "string", "enum": [",", ";", "\t", "|", "tab"],
      "description": "CSV delimiter; sniffed among , ; tab | when left out."},
    "header": {"enum": ["auto", true, false],
      "description": "Whether the first CSV row holds column names; auto (default) detects it."}
  },
  "required": ["file_path", "data_id"],
  "additionalProperties": false
})";

constexpr const char* kLoadOutput = R"({
  "type": "object",
  "properties": {
    "success": {"type": "boolean"},
    "data_id": {"type": "string"},
    "handle": {"type": "string"},
    "shape": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
    "schema": {"type": "object", "properties": {"columns": {"type": "object"}}, "required": ["columns"]},
    "source": {"type": "object"},
    "memory_bytes": {"type": "integer"},
    "load_seconds": {"type": "number"}
  },
  "required": ["success", "data_id", "handle", "shape", "schema"]
})";

constexpr const char* kAnalyzeSchema = R"({
  "type": "object",
  "properties": {
    "data_id": {"type": "string", "minLength": 1,
      "description": "A data_id given to load_data, or the handle load_data returned (works on any server replica)."},
    "operation": {"type": "string",
      "enum": ["summary", "correlation", "value_counts", "group_by", "filter", "head", "sample", "missing", "outliers"],
      "description": "summary: pandas describe() (count, mean, std, min, 25%, 50%, 75%, max; include \"all\" adds count/unique/top/freq for text columns). correlation: DataFrame.corr() matrix, pairwise-complete (method pearson or spearman). value_counts: counts of the values of `column`. group_by: `by` key columns with `aggregations`. filter: rows matching `conditions`. head / sample: the first / `n` random rows. missing: nulls per column. outliers: values outside the IQR fences."},
    "columns": {"type": "array", "items": {"type": "string"},
      "description": "Restrict the operation (or the returned rows) to these columns."},
    "include": {"type": "string", "enum": ["numeric", "string", "all"],
      "description": "summary: which columns to describe (default numeric, as pandas)."},
    "percentiles": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1},
      "description": "summary: the quantiles to report (default [0.25, 0.5, 0.75])."},
    "method": {"type": "string", "enum": ["pearson", "spearman"], "description": "correlation method (default pearson)."},
    "min_periods": {"type": "integer", "minimum": 1, "description": "correlation: fewest common rows for a value (default 1)."},
    "column": {"type": "string", "description": "value_counts: the column to count."},
    "normalize": {"type": "boolean", "description": "value_counts: proportions instead of counts."},
    "dropna": {"type": "boolean", "description": "value_counts: leave out nulls (default true)."},
    "by": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "group_by: key columns."},
    "aggregations": {"type": "object",
      "additionalProperties": {
        "anyOf": [
          {"type": "string", "enum": ["count", "sum", "mean", "min", "max", "std", "median"]},
          {"type": "array", "items": {"type": "string", "enum": ["count", "sum", "mean", "min", "max", "std", "median"]}}
        ]},
      "description": "group_by: {column: aggregation or [aggregations]}, aggregations count, sum, mean, min, max, std, median. Default: mean of every numeric column."},
    "conditions": {"type": "array", "minItems": 1,
      "items": {"type": "object",
        "properties": {
          "column": {"type": "string"},
          "op": {"type": "string", "enum": ["==", "!=", "<", "<=", ">", ">=", "contains", "is_null", "not_null"]},
          "value": {"type": ["string", "number", "boolean", "null"]}
        },
        "required": ["column", "op"]},
      "description": "filter: conditions {column, op, value}; ops ==, !=, <, <=, >, >= (numbers, text or dates), contains (substring), is_null, not_null (no value). Example: [{\"column\": \"age\", \"op\": \">=\", \"value\": 18}]"},
    "combine": {"type": "string", "enum": ["and", "or"], "description": "filter: how conditions combine (default and)."},
    "save_as": {"type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$",
      "description": "filter: keep the matching rows as a new dataset of this name (this server process only)."},
    "limit": {"type": "integer", "minimum": 0, "description": "Most rows/values/groups to return."},
    "n": {"type": "integer", "minimum": 0, "description": "head / sample: number of rows (default 5)."},
    "seed": {"type": "integer", "minimum": 0, "description": "sample: random seed (default 0), for reproducible samples."},
    "multiplier": {"type": "number", "exclusiveMinimum": true, "minimum": 0, "description": "outliers: IQR multiplier (default 1.5)."}
  },
  "required": ["data_id", "operation"],
  "additionalProperties": false
})";

constexpr const char* kAnalyzeOutput = R"({
  "type": "object",
  "properties": {
    "success": {"type": "boolean"},
    "data_id": {"type": "string"},
    "operation": {"type": "string"},
    "result": {"type": ["object", "array"]},
    "info": {"type": "object"}
  },
  "required": ["success", "data_id", "operation", "result"]
})";

constexpr const char* kQuerySchema = R"({
  "type": "object",
  "properties": {
    "sql": {"type": "string", "minLength": 1,
      "description": "One read-only SQLite SELECT. Every loaded dataset is a table named by its data_id (double-quote names that are not plain identifiers: \"my-data\"). Column types: integer, real, boolean (0/1), datetime (ISO 8601 text: compare with '2024-01-31' or use date()), text. Example: SELECT city, avg(temp) AS t FROM weather GROUP BY city ORDER BY t DESC"},
    "datasets": {"type": "array", "items": {"type": "string"},
      "description": "Handles (or data_ids) to make sure are loaded first: on another server replica a handle is loaded and its table is named by the data_id it carries."},
    "max_rows": {"type": "integer", "minimum": 0, "description": "Most rows to return (capped by the server's max_rows); the result says when it was truncated."}
  },
  "required": ["sql"],
  "additionalProperties": false
})";

constexpr const char* kQueryOutput = R"({
  "type": "object",
  "properties": {
    "success": {"type": "boolean"},
    "sql": {"type": "string"},
    "columns": {"type": "array", "items": {"type": "string"}},
    "types": {"type": "array", "items": {"type": "string",
      "enum": ["integer", "float", "boolean", "datetime", "string", "blob", "null", "mixed"]}},
    "rows": {"type": "array", "items": {"type": "array"}},
    "info": {"type": "object",
      "properties": {"row_count": {"type": "integer"}, "truncated": {"type": "boolean"},
                     "max_rows": {"type": "integer"}, "tables": {"type": "array", "items": {"type": "string"}},
                     "seconds": {"type": "number"}},
      "required": ["row_count", "truncated"]}
  },
  "required": ["success", "columns", "types", "rows", "info"]
})";

constexpr const char* kPlotSchema = R"({
  "type": "object",
  "properties": {
    "data_id": {"type": "string", "minLength": 1, "description": "A data_id given to load_data, or its handle."},
    "kind": {"type": "string", "enum": ["histogram", "scatter", "heatmap"],
      "description": "histogram: distribution of one numeric `column`. scatter: `y` against `x`. heatmap: correlation matrix of `columns` (default all numeric)."},
    "column": {"type": "string", "description": "histogram: the numeric column."},
    "bins": {"type": "integer", "minimum": 1, "maximum": 500, "description": "histogram: number of equal-width bins (default Sturges' rule, as numpy's 'sturges')."},
    "x": {"type": "string", "description": "scatter: the column on the horizontal axis."},
    "y": {"type": "string", "description": "scatter: the column on the vertical axis."},
    "columns": {"type": "array", "items": {"type": "string"}, "minItems": 2, "description": "heatmap: the numeric columns (default all, at most 40)."},
    "method": {"type": "string", "enum": ["pearson", "spearman"], "description": "heatmap: correlation method (default pearson)."},
    "title": {"type": "string", "description": "The chart title (default says what is drawn)."},
    "width": {"type": "integer", "minimum": 120, "maximum": 4000, "description": "Picture width in pixels (default 640)."},
    "height": {"type": "integer", "minimum": 120, "maximum": 4000, "description": "Picture height in pixels (default 480)."}
  },
  "required": ["data_id", "kind"],
  "additionalProperties": false
})";

constexpr const char* kPlotOutput = R"({
  "type": "object",
  "properties": {
    "success": {"type": "boolean"},
    "data_id": {"type": "string"},
    "kind": {"type": "string"},
    "width": {"type": "integer"},
    "height": {"type": "integer"},
    "plot_area": {"type": "object", "properties": {"left": {"type": "integer"}, "top": {"type": "integer"},
                  "right": {"type": "integer"}, "bottom": {"type": "integer"}}},
    "x_range": {"type": "array", "items": {"type": ["number", "null"]}},
    "y_range": {"type": "array", "items": {"type": ["number", "null"]}},
    "bins": {"type": "object", "properties": {"edges": {"type": "array"}, "counts": {"type": "array"}}},
    "points": {"type": "integer"},
    "columns": {"type": "array", "items": {"type": "string"}},
    "matrix": {"type": "array", "items": {"type": "array"}},
    "cell": {"type": "object"},
    "png_bytes": {"type": "integer"}
  },
  "required": ["success", "data_id", "kind", "width", "height", "plot_area"]
})";

constexpr const char* kListOutput = R"({
  "type": "object",
  "properties": {
    "datasets": {"type": "array", "items": {"type": "object",
      "properties": {"data_id": {"type": "string"}, "handle": {"type": "string"}, "rows": {"type": "integer"},
                     "columns": {"type": "integer"}, "memory_bytes": {"type": "integer"}},
      "required": ["data_id", "rows", "columns"]}},
    "memory_bytes": {"type": "integer"},
    "max_total_bytes": {"type": "integer"}
  },
  "required": ["datasets"]
})";

constexpr const char* kDropSchema = R"({
  "type": "object",
  "properties": {"data_id": {"type": "string", "minLength": 1, "description": "The data_id (or handle) to forget."}},
  "required": ["data_id"],
  "additionalProperties": false
})";

constexpr const char* kReadOnly = R"({"readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false})";

std::string JsonOf(const std::function<void(JsonWriter&)>& f) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  f(w);
  return std::string(sb.GetString(), sb.GetSize());
}

rapidjson::Document ParseArgs(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw mcpp::InvalidArgument("the arguments are not a JSON object");
  return d;
}

std::string StringArg(const rapidjson::Value& args, const char* name) {
  auto it = args.FindMember(name);
  if (it == args.MemberEnd() || !it->value.IsString()) throw mcpp::InvalidArgument(std::string("`") + name + "` is required");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string DelimText(char d) {
  if (d == '\t') return "\\t";
  if (!d) return "";
  return std::string(1, d);
}

std::string Iso(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void WriteSchema(JsonWriter& w, const Dataset& ds) {
  const DataFrame& df = *ds.frame;
  w.StartObject();
  w.Key("columns");
  w.StartObject();
  for (const auto& s : ds.schema) {
    const Column& c = *df.find(s.name);
    Key(w, s.name);
    w.StartObject();
    w.Key("type");
    w.String(TypeName(s.type));
    w.Key("dtype");
    w.String(PandasDtype(s.type, s.null_count));
    w.Key("nullable");
    w.Bool(s.null_count > 0);
    w.Key("null_count");
    w.Uint64(s.null_count);
    w.Key("unique_count");
    w.Uint64(s.unique_count);
    w.Key("samples");
    w.StartArray();
    for (size_t r : s.sample_rows) Cell(w, c, r);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
  w.Key("column_order");
  w.StartArray();
  for (const auto& s : ds.schema) Str(w, s.name);
  w.EndArray();
  w.Key("rows");
  w.Uint64(df.rows);
  w.EndObject();
}

void WriteDatasetBrief(JsonWriter& w, const Dataset& ds) {
  w.StartObject();
  w.Key("data_id");
  Str(w, ds.data_id);
  if (!ds.handle.empty()) {
    w.Key("handle");
    Str(w, ds.handle);
  }
  w.Key("rows");
  w.Uint64(ds.frame->rows);
  w.Key("columns");
  w.Uint64(ds.frame->columns.size());
  w.Key("memory_bytes");
  w.Uint64(ds.frame->memory_bytes());
  if (!ds.path.empty()) {
    w.Key("path");
    Str(w, ds.path);
  }
  if (!ds.derived_from.empty()) {
    w.Key("derived_from");
    Str(w, ds.derived_from);
  }
  w.Key("format");
  Str(w, ds.info.format);
  w.Key("loaded_at");
  Str(w, Iso(ds.loaded_at));
  w.EndObject();
}

std::string SchemaTable(const Dataset& ds) {
  std::vector<std::vector<std::string>> t = {{"column", "type", "nulls", "unique", "samples"}};
  const DataFrame& df = *ds.frame;
  for (const auto& s : ds.schema) {
    const Column& c = *df.find(s.name);
    std::string samples;
    for (size_t r : s.sample_rows) {
      if (samples.size() > 40) break;
      samples += (samples.empty() ? "" : ", ") + c.display(r);
    }
    t.push_back({s.name, TypeName(s.type), std::to_string(s.null_count), std::to_string(s.unique_count), samples});
  }
  return TextTable(t);
}

std::string CsvField(std::string s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

size_t Megabytes(const rapidjson::Value& cfg, const char* key, size_t def_mb) {
  auto it = cfg.FindMember(key);
  if (it == cfg.MemberEnd()) return def_mb << 20;
  if (!it->value.IsNumber() || it->value.GetDouble() <= 0)
    throw mcpp::InvalidArgument(std::string("config `") + key + "` must be a positive number of MiB");
  return static_cast<size_t>(it->value.GetDouble() * 1024.0 * 1024.0);
}

size_t Count(const rapidjson::Value& cfg, const char* key, size_t def) {
  auto it = cfg.FindMember(key);
  if (it == cfg.MemberEnd()) return def;
  if (!it->value.IsUint64() || it->value.GetUint64() == 0)
    throw mcpp::InvalidArgument(std::string("config `") + key + "` must be a positive integer");
  return static_cast<size_t>(it->value.GetUint64());
}

}  // namespace

PluginSettings ParseSettings(std::string_view config_json) {
  rapidjson::Document cfg;
  cfg.Parse(config_json.data(), config_json.size());
  if (cfg.HasParseError() || !cfg.IsObject()) throw mcpp::InvalidArgument("the plugin config is not a JSON object");
  static const char* const kKeys[] = {"roots", "max_dataset_mb", "max_total_mb", "max_datasets",
                                      "max_rows", "preview_rows", "handle_secret", "query_timeout_seconds"};
  for (const auto& m : cfg.GetObject()) {
    bool known = false;
    for (const char* k : kKeys) known |= std::string_view(m.name.GetString()) == k;
    if (!known) throw mcpp::InvalidArgument(std::string("unknown config key `") + m.name.GetString() + "`");
  }
  PluginSettings s;
  auto roots = cfg.FindMember("roots");
  if (roots != cfg.MemberEnd()) {
    std::vector<std::string> list;
    if (roots->value.IsString()) {
      list.emplace_back(roots->value.GetString());
    } else if (roots->value.IsArray()) {
      for (const auto& r : roots->value.GetArray()) {
        if (!r.IsString()) throw mcpp::InvalidArgument("config `roots` must be a list of directories");
        list.emplace_back(r.GetString());
      }
    } else {
      throw mcpp::InvalidArgument("config `roots` must be a list of directories");
    }
    for (const auto& r : list) {
      char buf[PATH_MAX];
      if (!::realpath(r.c_str(), buf)) {
        s.warnings.push_back("root " + r + " does not exist; ignored");
        continue;
      }
      s.store.roots.emplace_back(buf);
    }
  }
  s.store.max_dataset_bytes = Megabytes(cfg, "max_dataset_mb", 2048);
  s.store.max_total_bytes = Megabytes(cfg, "max_total_mb", 8192);
  s.store.max_datasets = Count(cfg, "max_datasets", 64);
  s.limits.max_rows = Count(cfg, "max_rows", 500);
  s.preview_rows = Count(cfg, "preview_rows", 100);
  auto qt = cfg.FindMember("query_timeout_seconds");
  if (qt != cfg.MemberEnd()) {
    if (!qt->value.IsNumber() || qt->value.GetDouble() <= 0)
      throw mcpp::InvalidArgument("config `query_timeout_seconds` must be a positive number");
    s.query_timeout_seconds = qt->value.GetDouble();
  }
  auto secret = cfg.FindMember("handle_secret");
  if (secret != cfg.MemberEnd() && secret->value.IsString() && secret->value.GetStringLength() > 0) {
    s.store.secret.assign(secret->value.GetString(), secret->value.GetStringLength());
    s.store.secret_configured = true;
  } else {
    unsigned char key[32] = {0};
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ssize_t got = ::read(fd, key, sizeof key);
      (void)got;
      ::close(fd);
    }
    s.store.secret.assign(reinterpret_cast<const char*>(key), sizeof key);
  }
  return s;
}

AnalyticsPlugin::AnalyticsPlugin(const mcpp::InitParams& params)
    : settings_(ParseSettings(params.config_json())), store_(settings_.store), started_(std::chrono::steady_clock::now()) {
  for (const auto& w : settings_.warnings) params.host().log(MCPP_LOG_WARNING, "analytics: " + w);
  if (settings_.store.roots.empty())
    params.host().log(MCPP_LOG_WARNING, "analytics: no `roots` configured; load_data will refuse every file");
  if (!settings_.store.secret_configured)
    params.host().log(MCPP_LOG_INFO,
                      "analytics: no handle_secret; dataset handles are valid in this process only");
}

void AnalyticsPlugin::register_capabilities(mcpp::Registrar& reg) {
  reg.set_instructions(
      "Analytics: load a CSV/TSV/JSON/JSON Lines file with load_data(file_path, data_id), then "
      "analyze_data(data_id, operation) with summary, correlation, value_counts, group_by, filter, head, "
      "sample, missing or outliers. Numbers match pandas. query(sql) runs a read-only SQL SELECT over the "
      "datasets (each a table named by its data_id); plot draws a histogram, scatter plot or correlation heat map "
      "as a PNG. Pass the returned handle instead of data_id when calls may reach different server replicas.");

  mcpp::ToolSpec load;
  load.name = "load_data";
  load.title = "Load a data file";
  load.description =
      "Load a CSV/TSV (delimiter and header detected), JSON (array of records) or JSON Lines file into memory "
      "with automatic schema discovery (integer, float, boolean, datetime, string; nulls, uniques, samples). "
      "Returns the shape, the schema and a handle that names the dataset on any server replica.";
  load.input_schema_json = kLoadSchema;
  load.output_schema_json = kLoadOutput;
  load.annotations_json = R"({"readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false})";
  reg.add_tool(load, [this](mcpp::Call& call, std::string_view args, mcpp::Result& r) { LoadData(call, args, r); });

  mcpp::ToolSpec analyze;
  analyze.name = "analyze_data";
  analyze.title = "Analyze a loaded dataset";
  analyze.description =
      "Run an analysis on a loaded dataset: summary (pandas describe()), correlation (DataFrame.corr(), pearson "
      "or spearman), value_counts, group_by, filter, head, sample, missing, outliers (IQR). structuredContent "
      "`result` has pandas' to_dict() shapes ({column: {statistic: value}} for summary, {column: {column: r}} "
      "for correlation, records for rows); NaN and infinities are null.";
  analyze.input_schema_json = kAnalyzeSchema;
  analyze.output_schema_json = kAnalyzeOutput;
  analyze.annotations_json = kReadOnly;
  reg.add_tool(analyze, [this](mcpp::Call& call, std::string_view args, mcpp::Result& r) { AnalyzeData(call, args, r); });

  mcpp::ToolSpec query;
  query.name = "query";
  query.title = "SQL over the datasets";
  query.description =
      "Run one read-only SQL SELECT (SQLite dialect) over the loaded datasets, each a table named by its data_id: "
      "joins, filters, GROUP BY, window functions, whatever analyze_data's fixed operations do not cover. "
      "structuredContent is {columns, types, rows (arrays in column order), info {row_count, truncated}}; "
      "booleans are 0/1 in SQL and true/false in results of boolean columns, datetimes ISO 8601 text, NaN and "
      "infinities null. Writes, ATTACH and PRAGMA changes are refused.";
  query.input_schema_json = kQuerySchema;
  query.output_schema_json = kQueryOutput;
  query.annotations_json = kReadOnly;
  reg.add_tool(query, [this](mcpp::Call& call, std::string_view args, mcpp::Result& r) { Query(call, args, r); });

  mcpp::ToolSpec plot;
  plot.name = "plot";
  plot.title = "Chart a dataset";
  plot.description =
      "Draw a chart of a loaded dataset as a PNG image: histogram of one numeric column, scatter plot of two, or "
      "a correlation heat map of several, with axes, tick labels and a title. structuredContent gives the bins "
      "(histogram), point count (scatter) or matrix (heatmap) and the plot area with the axis ranges it maps.";
  plot.input_schema_json = kPlotSchema;
  plot.output_schema_json = kPlotOutput;
  plot.annotations_json = kReadOnly;
  reg.add_tool(plot, [this](mcpp::Call& call, std::string_view args, mcpp::Result& r) { Plot(call, args, r); });

  mcpp::ToolSpec list;
  list.name = "list_datasets";
  list.title = "List loaded datasets";
  list.description = "The datasets loaded in this server process, with their handles, shapes and memory use.";
  list.input_schema_json = R"({"type":"object","properties":{},"additionalProperties":false})";
  list.output_schema_json = kListOutput;
  list.annotations_json = kReadOnly;
  reg.add_tool(list, [this](mcpp::Call&, std::string_view, mcpp::Result& r) {
    std::string json = DatasetsJson();
    std::vector<std::vector<std::string>> t = {{"data_id", "rows", "columns", "memory", "source"}};
    for (const auto& ds : store_.List()) {
      char mem[32];
      std::snprintf(mem, sizeof mem, "%.1f MiB", static_cast<double>(ds->frame->memory_bytes()) / 1048576.0);
      t.push_back({ds->data_id, std::to_string(ds->frame->rows), std::to_string(ds->frame->columns.size()), mem,
                   ds->path.empty() ? "derived from " + ds->derived_from : ds->path});
    }
    r.add_text(t.size() == 1 ? "No datasets loaded. Call load_data(file_path, data_id)." : TextTable(t));
    r.set_structured_json(json);
  });

  mcpp::ToolSpec drop;
  drop.name = "drop_data";
  drop.title = "Forget a dataset";
  drop.description = "Remove a loaded dataset from memory (by data_id or handle).";
  drop.input_schema_json = kDropSchema;
  drop.output_schema_json =
      R"({"type":"object","properties":{"dropped":{"type":"boolean"},"data_id":{"type":"string"},"memory_bytes":{"type":"integer"}},"required":["dropped","data_id"]})";
  drop.annotations_json = R"({"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false})";
  reg.add_tool(drop, [this](mcpp::Call&, std::string_view args, mcpp::Result& r) {
    rapidjson::Document a = ParseArgs(args);
    std::string id = StringArg(a, "data_id");
    if (!store_.Drop(id)) {
      std::string names;
      for (const auto& ds : store_.List()) names += (names.empty() ? "" : ", ") + ds->data_id;
      throw mcpp::InvalidArgument("no dataset \"" + id + "\" is loaded" +
                                  (names.empty() ? std::string(" (none are)") : " (loaded: " + names + ")") +
                                  ". list_datasets shows what is loaded.");
    }
    r.add_text("Dropped " + id + ".");
    r.set_structured_json(JsonOf([&](JsonWriter& w) {
      w.StartObject();
      w.Key("dropped");
      w.Bool(true);
      w.Key("data_id");
      Str(w, id);
      w.Key("memory_bytes");
      w.Uint64(store_.total_bytes());
      w.EndObject();
    }));
  });

  // ---- Resources ----
  mcpp::ResourceSpec status;
  status.uri = "analytics://status";
  status.name = "analytics-status";
  status.title = "Analytics status";
  status.description = "Datasets loaded, memory in use and limits, data folders, uptime.";
  status.mime_type = "application/json";
  reg.add_resource(status, [this](mcpp::Call&, std::string_view, std::string_view, mcpp::Result& r) {
    r.add_text_contents(nullptr, "application/json", StatusJson());
  });
  mcpp::ResourceSpec datasets;
  datasets.uri = "analytics://datasets";
  datasets.name = "analytics-datasets";
  datasets.title = "Loaded datasets";
  datasets.description = "The datasets loaded in this process (as list_datasets).";
  datasets.mime_type = "application/json";
  reg.add_resource(datasets, [this](mcpp::Call&, std::string_view, std::string_view, mcpp::Result& r) {
    r.add_text_contents(nullptr, "application/json", DatasetsJson());
  });

  auto complete = [this](mcpp::Call&, std::string_view arg, std::string_view value, std::string_view ctx,
                         mcpp::Result& r) { Complete(arg, value, ctx, r); };
  mcpp::ResourceTemplateSpec data;
  data.uri_template = "analytics://data/{data_id}";
  data.name = "analytics-data";
  data.title = "Dataset preview";
  data.description = "The first rows of a dataset as CSV (data_id or handle).";
  data.mime_type = "text/csv";
  reg.add_resource_template(data, [this](mcpp::Call&, std::string_view, std::string_view vars, mcpp::Result& r) {
    auto ds = Resolve(vars);
    if (!ds) return MCPP_ERR_NOT_FOUND;
    const DataFrame& df = *ds->frame;
    std::string csv;
    for (size_t c = 0; c < df.columns.size(); ++c) csv += (c ? "," : "") + CsvField(df.columns[c].name);
    csv += "\n";
    size_t n = std::min(df.rows, settings_.preview_rows);
    for (size_t i = 0; i < n; ++i) {
      for (size_t c = 0; c < df.columns.size(); ++c) csv += (c ? "," : "") + CsvField(df.columns[c].display(i));
      csv += "\n";
    }
    r.add_text_contents(nullptr, "text/csv", ToValidUtf8(csv));
    return MCPP_OK;
  }, complete);
  mcpp::ResourceTemplateSpec schema;
  schema.uri_template = "analytics://schema/{data_id}";
  schema.name = "analytics-schema";
  schema.title = "Dataset schema";
  schema.description = "The discovered schema of a dataset: per column type, pandas dtype, nulls, uniques, samples.";
  schema.mime_type = "application/json";
  reg.add_resource_template(schema, [this](mcpp::Call&, std::string_view, std::string_view vars, mcpp::Result& r) {
    auto ds = Resolve(vars);
    if (!ds) return MCPP_ERR_NOT_FOUND;
    r.add_text_contents(nullptr, "application/json", JsonOf([&](JsonWriter& w) { WriteSchema(w, *ds); }));
    return MCPP_OK;
  }, complete);

  // ---- Prompts ----
  const char* arg = R"J([{"name":"data_id","description":"A loaded dataset (data_id or handle)","required":true}])J";
  const char* arg_column =
      R"J([{"name":"data_id","description":"A loaded dataset (data_id or handle)","required":true},)J"
      R"J({"name":"column","description":"Optional: a column to look at closely","required":false}])J";
  const char* arg_target =
      R"J([{"name":"data_id","description":"A loaded dataset (data_id or handle)","required":true},)J"
      R"J({"name":"target","description":"Optional: the numeric column whose relationships matter most","required":false}])J";
  mcpp::PromptSpec guide;
  guide.name = "data_exploration_guide";
  guide.title = "Data exploration guide";
  guide.description = "An overview of a loaded dataset and the analyses worth running next.";
  guide.arguments_json = arg_column;
  reg.add_prompt(guide, [this](mcpp::Call&, std::string_view args, mcpp::Result& r) { Prompt("guide", args, r); },
                 complete);
  mcpp::PromptSpec quality;
  quality.name = "data_quality_report";
  quality.title = "Data quality report";
  quality.description = "Missing values, suspicious types and outliers of a dataset, with the calls to dig deeper.";
  quality.arguments_json = arg;
  reg.add_prompt(quality, [this](mcpp::Call&, std::string_view args, mcpp::Result& r) { Prompt("quality", args, r); },
                 complete);
  mcpp::PromptSpec corr;
  corr.name = "correlation_study";
  corr.title = "Correlation study";
  corr.description = "A plan for studying the relationships between a dataset's numeric columns.";
  corr.arguments_json = arg_target;
  reg.add_prompt(corr, [this](mcpp::Call&, std::string_view args, mcpp::Result& r) { Prompt("correlation", args, r); },
                 complete);
}

std::shared_ptr<const Dataset> AnalyticsPlugin::Resolve(std::string_view vars_json) {
  rapidjson::Document v;
  v.Parse(vars_json.data(), vars_json.size());
  if (v.HasParseError() || !v.IsObject() || !v.HasMember("data_id") || !v["data_id"].IsString()) return nullptr;
  try {
    return store_.Get(v["data_id"].GetString());
  } catch (const UserError&) {
    return nullptr;
  }
}

void AnalyticsPlugin::LoadData(mcpp::Call& call, std::string_view args_json, mcpp::Result& r) {
  rapidjson::Document a = ParseArgs(args_json);
  std::string file_path = StringArg(a, "file_path");
  std::string data_id = StringArg(a, "data_id");
  LoadOptions opt;
  if (a.HasMember("format") && a["format"].IsString()) opt.format = a["format"].GetString();
  if (a.HasMember("delimiter") && a["delimiter"].IsString()) {
    std::string d = a["delimiter"].GetString();
    opt.delimiter = d == "tab" ? '\t' : d.empty() ? 0 : d[0];
  }
  if (a.HasMember("header")) {
    const auto& h = a["header"];
    opt.header = h.IsBool() ? (h.GetBool() ? 1 : 0) : -1;
  }
  ProgressFn progress = [&call](uint64_t done, uint64_t total) {
    call.progress(static_cast<double>(done), static_cast<double>(total), "loading");
    return !call.is_cancelled();
  };
  std::shared_ptr<const Dataset> ds;
  try {
    ds = store_.Load(file_path, data_id, opt, progress);
  } catch (const UserError& e) {
    throw mcpp::InvalidArgument(e.what());
  } catch (const LoadCancelled&) {
    throw mcpp::Cancelled("loading was cancelled");
  }
  const DataFrame& df = *ds->frame;
  r.set_structured_json(JsonOf([&](JsonWriter& w) {
    w.StartObject();
    w.Key("success");
    w.Bool(true);
    w.Key("data_id");
    Str(w, ds->data_id);
    w.Key("handle");
    Str(w, ds->handle);
    w.Key("shape");
    w.StartArray();
    w.Uint64(df.rows);
    w.Uint64(df.columns.size());
    w.EndArray();
    w.Key("schema");
    WriteSchema(w, *ds);
    w.Key("source");
    w.StartObject();
    w.Key("path");
    Str(w, ds->path);
    w.Key("format");
    Str(w, ds->info.format);
    if (ds->info.format == "csv") {
      w.Key("delimiter");
      Str(w, DelimText(ds->info.delimiter));
      w.Key("header");
      w.Bool(ds->info.header);
    }
    w.Key("bytes");
    w.Uint64(ds->file_size);
    w.EndObject();
    w.Key("memory_bytes");
    w.Uint64(df.memory_bytes());
    w.Key("load_seconds");
    w.Double(ds->load_seconds);
    w.EndObject();
  }));
  std::string text = "Loaded " + ds->data_id + ": " + std::to_string(df.rows) + " rows x " +
                     std::to_string(df.columns.size()) + " columns from " + ds->path + " (" + ds->info.format;
  if (ds->info.format == "csv")
    text += std::string(", delimiter ") + (ds->info.delimiter == '\t' ? "tab" : std::string(1, ds->info.delimiter)) +
            (ds->info.header ? ", header row" : ", no header row");
  text += ").\n\n" + SchemaTable(*ds) + "\nHandle (use it in place of data_id on any replica): " + ds->handle +
          "\nNext: analyze_data(data_id=\"" + ds->data_id + "\", operation=\"summary\"), or \"correlation\", "
          "\"missing\", \"value_counts\" with a column.";
  r.add_text(text);
}

void AnalyticsPlugin::AnalyzeData(mcpp::Call& call, std::string_view args_json, mcpp::Result& r) {
  rapidjson::Document a = ParseArgs(args_json);
  std::string id = StringArg(a, "data_id");
  std::string op = StringArg(a, "operation");
  ProgressFn progress = [&call](uint64_t done, uint64_t total) {
    call.progress(static_cast<double>(done), static_cast<double>(total), "loading");
    return !call.is_cancelled();
  };
  try {
    auto ds = store_.Get(id, progress);
    OpOutput out = RunOperation(*ds->frame, op, a, settings_.limits);
    std::string saved;
    if (op == "filter" && a.HasMember("save_as") && a["save_as"].IsString()) {
      saved = a["save_as"].GetString();
      store_.Put(saved, ds->data_id, TakeRows(*ds->frame, out.rows));
      out.text += "\nSaved the " + std::to_string(out.rows.size()) + " matching rows as dataset \"" + saved + "\".";
    }
    r.add_text(out.text);
    r.set_structured_json(JsonOf([&](JsonWriter& w) {
      w.StartObject();
      w.Key("success");
      w.Bool(true);
      w.Key("data_id");
      Str(w, ds->data_id);
      w.Key("operation");
      Str(w, op);
      w.Key("result");
      w.RawValue(out.result_json.data(), out.result_json.size(), rapidjson::kObjectType);
      if (!out.info_json.empty() || !saved.empty()) {
        w.Key("info");
        if (!saved.empty()) {
          std::string info = out.info_json.empty() ? "{}" : out.info_json;
          info.pop_back();
          info += std::string(info.size() > 1 ? "," : "") + "\"saved_as\":" + Quote(saved) + "}";
          w.RawValue(info.data(), info.size(), rapidjson::kObjectType);
        } else {
          w.RawValue(out.info_json.data(), out.info_json.size(), rapidjson::kObjectType);
        }
      }
      w.EndObject();
    }));
  } catch (const UserError& e) {
    throw mcpp::InvalidArgument(e.what());
  } catch (const LoadCancelled&) {
    throw mcpp::Cancelled("loading was cancelled");
  }
}

std::string AnalyticsPlugin::DatasetsJson() {
  return JsonOf([&](JsonWriter& w) {
    w.StartObject();
    w.Key("datasets");
    w.StartArray();
    for (const auto& ds : store_.List()) WriteDatasetBrief(w, *ds);
    w.EndArray();
    w.Key("memory_bytes");
    w.Uint64(store_.total_bytes());
    w.Key("max_total_bytes");
    w.Uint64(settings_.store.max_total_bytes);
    w.EndObject();
  });
}

std::string AnalyticsPlugin::StatusJson() {
  auto list = store_.List();
  return JsonOf([&](JsonWriter& w) {
    w.StartObject();
    w.Key("domain");
    w.String("analytics");
    w.Key("data_loaded");
    w.Uint64(list.size());
    w.Key("datasets");
    w.StartArray();
    for (const auto& ds : list) Str(w, ds->data_id);
    w.EndArray();
    w.Key("memory_bytes");
    w.Uint64(store_.total_bytes());
    w.Key("limits");
    w.StartObject();
    w.Key("max_dataset_bytes");
    w.Uint64(settings_.store.max_dataset_bytes);
    w.Key("max_total_bytes");
    w.Uint64(settings_.store.max_total_bytes);
    w.Key("max_datasets");
    w.Uint64(settings_.store.max_datasets);
    w.Key("max_rows");
    w.Uint64(settings_.limits.max_rows);
    w.EndObject();
    w.Key("roots");
    w.StartArray();
    for (const auto& root : settings_.store.roots) Str(w, root);
    w.EndArray();
    w.Key("handles");
    w.String(settings_.store.secret_configured ? "shared (handle_secret set)" : "process-local (no handle_secret)");
    w.Key("uptime_seconds");
    w.Double(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    w.EndObject();
  });
}

void AnalyticsPlugin::Prompt(const std::string& kind, std::string_view args_json, mcpp::Result& r) {
  rapidjson::Document a = ParseArgs(args_json);
  std::string id = StringArg(a, "data_id");
  std::shared_ptr<const Dataset> ds;
  try {
    ds = store_.Get(id);
  } catch (const UserError&) {
  }
  r.set_role(MCPP_ROLE_USER);
  if (!ds) {
    r.set_description("Dataset not loaded");
    r.add_text("Data '" + id + "' not found. Use load_data(file_path, data_id=\"" + id +
               "\") first; list_datasets shows what is loaded.");
    return;
  }
  const DataFrame& df = *ds->frame;
  std::vector<const Column*> numeric, text;
  for (const auto& c : df.columns) (c.is_numeric() ? numeric : text).push_back(&c);
  auto call = [&](const std::string& op, const std::string& extra = "") {
    return "`analyze_data(data_id=\"" + ds->data_id + "\", operation=\"" + op + "\"" + extra + ")`";
  };
  auto plot = [&](const std::string& kind, const std::string& extra = "") {
    return "`plot(data_id=\"" + ds->data_id + "\", kind=\"" + kind + "\"" + extra + ")`";
  };
  // The optional column argument (guide: `column`, correlation: `target`).
  std::string focus;
  for (const char* key : {"column", "target"})
    if (a.HasMember(key) && a[key].IsString() && a[key].GetStringLength()) focus = a[key].GetString();
  const Column* fc = focus.empty() ? nullptr : df.find(focus);
  if (!focus.empty() && !fc) {
    r.set_description("Unknown column");
    r.add_text("Column '" + focus + "' is not in " + ds->data_id + ". Columns: " + ColumnList(df) +
               ". Ask again with one of them (names are case-sensitive), or leave it out.");
    return;
  }
  std::string s;
  if (kind == "guide") {
    r.set_description("Exploration guide for " + ds->data_id);
    s = "# Exploring " + ds->data_id + "\n\n## Dataset Overview\n- Shape: (" + std::to_string(df.rows) + ", " +
        std::to_string(df.columns.size()) + ")\n- Columns: " + ColumnList(df) + "\n- Source: " +
        (ds->path.empty() ? "derived from " + ds->derived_from : ds->path) + "\n\n## Columns\n```\n" +
        SchemaTable(*ds) + "```\n\n## Suggested Analysis\n";
    if (numeric.size() >= 2) s += "- Correlation analysis: " + call("correlation") + "\n";
    s += "- Summary statistics: " + call("summary") + "\n";
    if (!text.empty()) {
      s += "- Text columns too: " + call("summary", ", include=\"all\"") + "\n";
      s += "- Most common values: " + call("value_counts", ", column=\"" + text[0]->name + "\"") + "\n";
      if (!numeric.empty())
        s += "- Compare groups: " +
             call("group_by", ", by=[\"" + text[0]->name + "\"], aggregations={\"" + numeric[0]->name +
                                  "\": [\"mean\", \"count\"]}") +
             "\n";
    }
    s += "- Data quality: " + call("missing") + " and " + call("outliers") + "\n";
    s += "- A look at rows: " + call("head") + "\n";
    if (!numeric.empty()) s += "- A picture of a distribution: " + plot("histogram", ", column=\"" + numeric[0]->name + "\"") + "\n";
    s += "- Anything else in SQL: `query(sql=\"SELECT ... FROM \\\"" + ds->data_id + "\\\" ...\")`\n";
    if (fc) {
      s += "\n## Focus: " + fc->name + " (" + TypeName(fc->type) + ", " + std::to_string(fc->null_count) + " missing)\n";
      if (fc->is_numeric()) {
        s += "- Its distribution: " + plot("histogram", ", column=\"" + fc->name + "\"") + " and " +
             call("summary", ", columns=[\"" + fc->name + "\"]") + "\n";
        s += "- Unusual values: " + call("outliers", ", columns=[\"" + fc->name + "\"]") + "\n";
      } else {
        s += "- Its values: " + call("value_counts", ", column=\"" + fc->name + "\"") + "\n";
        if (!numeric.empty())
          s += "- Numbers per value: " +
               call("group_by", ", by=[\"" + fc->name + "\"], aggregations={\"" + numeric[0]->name + "\": [\"mean\", \"count\"]}") + "\n";
      }
    }
  } else if (kind == "quality") {
    r.set_description("Data quality report for " + ds->data_id);
    s = "# Data quality report: " + ds->data_id + "\n\n" + std::to_string(df.rows) + " rows, " +
        std::to_string(df.columns.size()) + " columns.\n\n## Missing values\n";
    size_t any = 0;
    for (const auto& c : df.columns) {
      if (!c.null_count) continue;
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * static_cast<double>(c.null_count) / static_cast<double>(df.rows));
      s += "- " + c.name + ": " + std::to_string(c.null_count) + " (" + pct + ")\n";
      ++any;
    }
    if (!any) s += "- none\n";
    s += "\n## Columns to check\n";
    size_t flagged = 0;
    for (const auto& sc : ds->schema) {
      if (sc.unique_count == 1 && df.rows > 1) {
        s += "- " + sc.name + " holds a single value: probably not informative\n";
        ++flagged;
      } else if (sc.type == Type::String && sc.unique_count == df.rows - sc.null_count && df.rows > 20) {
        s += "- " + sc.name + " is unique per row: an identifier?\n";
        ++flagged;
      } else if (sc.type == Type::String && df.rows > 0 && sc.unique_count * 2 > df.rows &&
                 sc.unique_count < df.rows) {
        s += "- " + sc.name + " is text with many distinct values: mixed types or free text?\n";
        ++flagged;
      }
    }
    if (!flagged) s += "- nothing stands out in the schema\n";
    s += "\n## Next steps\n- Per-column nulls: " + call("missing") + "\n";
    if (!numeric.empty()) s += "- Outliers (IQR): " + call("outliers") + "\n- Ranges: " + call("summary") + "\n";
    if (!text.empty())
      s += "- Categories and typos: " + call("value_counts", ", column=\"" + text[0]->name + "\"") + "\n";
    s += "\nReport the problems found, how many rows each affects, and what to do about them.";
  } else {
    r.set_description("Correlation study for " + ds->data_id);
    s = "# Correlation study: " + ds->data_id + "\n\nNumeric columns (" + std::to_string(numeric.size()) + "): ";
    for (size_t i = 0; i < numeric.size(); ++i) s += (i ? ", " : "") + numeric[i]->name;
    s += "\n\n";
    if (numeric.size() < 2) {
      s += "Fewer than two numeric columns: correlation needs at least two. Look at " + call("summary", ", include=\"all\"") +
           " instead, or load a dataset with more numeric columns.";
    } else {
      s += "1. Linear relationships: " + call("correlation") + "\n";
      s += "2. Monotonic (rank) relationships, robust to outliers: " + call("correlation", ", method=\"spearman\"") + "\n";
      s += "3. Where Pearson and Spearman disagree, check for outliers: " + call("outliers") + "\n";
      s += "4. Check that missing values do not bias the pairs: " + call("missing") + "\n";
      s += "   The whole matrix at a glance: " + plot("heatmap") + "\n";
      if (fc && fc->is_numeric()) {
        s += "   Focus on " + fc->name + ": look at its row of the matrix, and at the strongest partners with " +
             plot("scatter", ", x=\"<column>\", y=\"" + fc->name + "\"") + "\n";
      } else if (fc) {
        s += "   " + fc->name + " is not numeric: compare its groups with " +
             call("group_by", ", by=[\"" + fc->name + "\"]") + "\n";
      }
      if (!text.empty())
        s += "5. See whether a relationship holds within groups: " +
             call("group_by", ", by=[\"" + text[0]->name + "\"]") + "\n";
      s += "\nSummarize the strongest positive and negative pairs, say which are likely spurious, and remember "
           "that correlation is not causation.";
    }
  }
  r.add_text(s);
}

}  // namespace analytics

MCPP_DEFINE_PLUGIN(analytics::AnalyticsPlugin, "dev.mcphost.analytics", "analytics", "0.1.0",
                   "Data analytics: load CSV/JSON files and get pandas-exact summaries and correlations.")
