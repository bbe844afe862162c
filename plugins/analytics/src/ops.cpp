#include "ops.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "json_out.h"
#include "stats.h"

namespace analytics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- Argument access -------------------------------------------------------

const rapidjson::Value* Arg(const rapidjson::Value& args, const char* name) {
  if (!args.IsObject()) return nullptr;
  auto it = args.FindMember(name);
  if (it == args.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string ArgString(const rapidjson::Value& args, const char* name, const std::string& def) {
  const rapidjson::Value* v = Arg(args, name);
  if (!v) return def;
  if (!v->IsString()) throw UserError(std::string("`") + name + "` must be a string");
  return std::string(v->GetString(), v->GetStringLength());
}

size_t ArgCount(const rapidjson::Value& args, const char* name, size_t def, size_t max) {
  const rapidjson::Value* v = Arg(args, name);
  if (!v) return std::min(def, max);
  if (!v->IsNumber() || v->GetDouble() < 0 || std::floor(v->GetDouble()) != v->GetDouble())
    throw UserError(std::string("`") + name + "` must be a non-negative integer");
  double d = v->GetDouble();
  return d > static_cast<double>(max) ? max : static_cast<size_t>(d);
}

bool ArgBool(const rapidjson::Value& args, const char* name, bool def) {
  const rapidjson::Value* v = Arg(args, name);
  if (!v) return def;
  if (!v->IsBool()) throw UserError(std::string("`") + name + "` must be true or false");
  return v->GetBool();
}

std::vector<std::string> ArgStrings(const rapidjson::Value& args, const char* name) {
  std::vector<std::string> out;
  const rapidjson::Value* v = Arg(args, name);
  if (!v) return out;
  if (v->IsString()) {
    out.emplace_back(v->GetString(), v->GetStringLength());
    return out;
  }
  if (!v->IsArray()) throw UserError(std::string("`") + name + "` must be a list of column names");
  for (const auto& e : v->GetArray()) {
    if (!e.IsString()) throw UserError(std::string("`") + name + "` must be a list of column names");
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

const Column& NeedColumn(const DataFrame& df, const std::string& name) {
  const Column* c = df.find(name);
  if (!c) {
    throw UserError("unknown column \"" + name + "\". Columns: " + ColumnList(df) +
                    ". Column names are case-sensitive; see analytics://schema/{data_id}.");
  }
  return *c;
}

std::vector<const Column*> SelectColumns(const DataFrame& df, const rapidjson::Value& args) {
  std::vector<const Column*> out;
  std::vector<std::string> names = ArgStrings(args, "columns");
  if (names.empty()) {
    for (const auto& c : df.columns) out.push_back(&c);
  } else {
    for (const auto& n : names) out.push_back(&NeedColumn(df, n));
  }
  return out;
}

std::string JsonOf(const std::function<void(JsonWriter&)>& f) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  f(w);
  return std::string(sb.GetString(), sb.GetSize());
}

std::string Display(const Column& c, size_t row) { return c.is_null(row) ? "NaN" : c.display(row); }

std::string PercentLabel(double p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", p * 100);
  return std::string(buf) + "%";
}

// ---- summary ---------------------------------------------------------------

OpOutput Summary(const DataFrame& df, const rapidjson::Value& args) {
  std::string include = ArgString(args, "include", "numeric");
  if (include != "numeric" && include != "all" && include != "string")
    throw UserError("`include` must be \"numeric\" (default), \"string\" or \"all\"");
  std::vector<double> pcts = {0.25, 0.5, 0.75};
  if (const rapidjson::Value* p = Arg(args, "percentiles")) {
    if (!p->IsArray()) throw UserError("`percentiles` must be a list of numbers between 0 and 1");
    pcts.clear();
    for (const auto& e : p->GetArray()) {
      if (!e.IsNumber() || e.GetDouble() < 0 || e.GetDouble() > 1)
        throw UserError("`percentiles` must be a list of numbers between 0 and 1, e.g. [0.05, 0.95]");
      pcts.push_back(e.GetDouble());
    }
    if (std::find(pcts.begin(), pcts.end(), 0.5) == pcts.end()) pcts.push_back(0.5);  // as pandas
    std::sort(pcts.begin(), pcts.end());
    pcts.erase(std::unique(pcts.begin(), pcts.end()), pcts.end());
  }
  std::vector<const Column*> cand = SelectColumns(df, args);
  std::vector<const Column*> cols;
  for (const Column* c : cand) {
    bool numeric = c->is_numeric();
    if (include == "all" || (include == "numeric" && numeric) || (include == "string" && !numeric))
      cols.push_back(c);
  }
  if (cols.empty() && include == "numeric") cols = cand;  // pandas: no numeric columns -> describe all
  if (cols.empty()) throw UserError("no columns to summarize with include=\"" + include + "\"");

  bool any_num = false, any_cat = false;
  for (const Column* c : cols) (c->is_numeric() ? any_num : any_cat) = true;
  std::vector<std::string> stats;
  stats.push_back("count");
  if (any_cat) stats.insert(stats.end(), {"unique", "top", "freq"});
  if (any_num) {
    stats.insert(stats.end(), {"mean", "std", "min"});
    for (double p : pcts) stats.push_back(PercentLabel(p));
    stats.push_back("max");
  }

  // table[stat][col] text; JSON built alongside.
  std::vector<std::vector<std::string>> table(stats.size() + 1);
  table[0].push_back("");
  for (const std::string& s : stats) table[&s - stats.data() + 1].push_back(s);
  OpOutput out;
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    for (const Column* c : cols) {
      Key(w, c->name);
      table[0].push_back(c->name);
      w.StartObject();
      std::map<std::string, std::string> cells;
      if (c->is_numeric()) {
        NumericSummary s = SummarizeNumeric(*c, pcts);
        auto put = [&](const std::string& k, double v) {
          Key(w, k);
          Num(w, v);
          cells[k] = FormatNumber(v);
        };
        put("count", static_cast<double>(s.count));
        if (any_cat) {
          for (const char* k : {"unique", "top", "freq"}) {
            Key(w, k);
            w.Null();
            cells[k] = "NaN";
          }
        }
        put("mean", s.mean);
        put("std", s.std);
        put("min", s.min);
        for (size_t i = 0; i < pcts.size(); ++i) put(PercentLabel(pcts[i]), s.quantiles[i]);
        put("max", s.max);
      } else {
        CategoricalSummary s = SummarizeCategorical(*c);
        Key(w, "count");
        w.Double(static_cast<double>(s.count));
        cells["count"] = std::to_string(s.count);
        Key(w, "unique");
        w.Uint64(s.unique);
        cells["unique"] = std::to_string(s.unique);
        Key(w, "top");
        if (s.count) {
          Cell(w, *c, s.top_row);
          cells["top"] = c->display(s.top_row);
        } else {
          w.Null();
          cells["top"] = "NaN";
        }
        Key(w, "freq");
        if (s.count) {
          w.Uint64(s.freq);
          cells["freq"] = std::to_string(s.freq);
        } else {
          w.Null();
          cells["freq"] = "NaN";
        }
        if (any_num) {
          for (size_t i = 4; i < stats.size(); ++i) {
            Key(w, stats[i]);
            w.Null();
            cells[stats[i]] = "NaN";
          }
        }
      }
      w.EndObject();
      for (size_t i = 0; i < stats.size(); ++i) table[i + 1].push_back(cells[stats[i]]);
    }
    w.EndObject();
  });
  out.text = "Summary statistics (as pandas describe()):\n" + TextTable(table);
  return out;
}

// ---- correlation -------------------------------------------------------------

OpOutput CorrelationOp(const DataFrame& df, const rapidjson::Value& args) {
  std::string method = ArgString(args, "method", "pearson");
  if (method != "pearson" && method != "spearman")
    throw UserError("`method` must be \"pearson\" (default) or \"spearman\"");
  size_t min_periods = ArgCount(args, "min_periods", 1, std::numeric_limits<size_t>::max());
  std::vector<const Column*> cols;
  if (Arg(args, "columns")) {
    for (const Column* c : SelectColumns(df, args)) {
      if (!c->is_numeric() && c->type != Type::Boolean)
        throw UserError("column \"" + c->name + "\" is " + TypeName(c->type) +
                        ", not numeric: correlation needs integer, float or boolean columns");
      cols.push_back(c);
    }
  } else {
    for (const auto& c : df.columns)
      if (c.is_numeric()) cols.push_back(&c);
  }
  if (cols.empty())
    throw UserError("the dataset has no numeric columns to correlate. Columns: " + ColumnList(df) +
                    ". Try analyze_data operation \"value_counts\" or \"summary\" with include \"all\".");
  // Float columns are read in place (NaN marks their nulls already); only
  // integer and boolean columns are converted, which keeps the peak memory
  // of a wide correlation near the frame's own.
  std::vector<std::vector<double>> converted;
  converted.reserve(cols.size());
  std::vector<std::span<const double>> data;
  for (const Column* c : cols) {
    if (c->type == Type::Float) {
      data.emplace_back(c->floats);
    } else {
      converted.push_back(AsDoubles(*c));
      data.emplace_back(converted.back());
    }
  }
  std::vector<double> m = Correlation(data, method, min_periods);
  const size_t K = cols.size();
  std::vector<std::vector<std::string>> table(K + 1);
  table[0].push_back("");
  for (const Column* c : cols) table[0].push_back(c->name);
  OpOutput out;
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    for (size_t x = 0; x < K; ++x) {
      Key(w, cols[x]->name);
      w.StartObject();
      for (size_t y = 0; y < K; ++y) {
        Key(w, cols[y]->name);
        Num(w, m[y * K + x]);
      }
      w.EndObject();
    }
    w.EndObject();
  });
  for (size_t y = 0; y < K; ++y) {
    table[y + 1].push_back(cols[y]->name);
    for (size_t x = 0; x < K; ++x) {
      char buf[32];
      double r = m[y * K + x];
      if (std::isfinite(r))
        std::snprintf(buf, sizeof buf, "%.4f", r);
      else
        std::snprintf(buf, sizeof buf, "NaN");
      table[y + 1].push_back(buf);
    }
  }
  // The strongest pairs, for the reader.
  struct Pair {
    size_t a, b;
    double r;
  };
  std::vector<Pair> pairs;
  for (size_t a = 0; a < K; ++a)
    for (size_t b = a + 1; b < K; ++b)
      if (std::isfinite(m[a * K + b])) pairs.push_back({a, b, m[a * K + b]});
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& p, const Pair& q) { return std::fabs(p.r) > std::fabs(q.r); });
  if (pairs.size() > 5) pairs.resize(5);
  out.info_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    Key(w, "method");
    Str(w, method);
    Key(w, "strongest_pairs");
    w.StartArray();
    for (const Pair& p : pairs) {
      w.StartObject();
      Key(w, "a");
      Str(w, cols[p.a]->name);
      Key(w, "b");
      Str(w, cols[p.b]->name);
      Key(w, "r");
      Num(w, p.r);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
  out.text = (method == "pearson" ? "Pearson" : "Spearman") +
             std::string(" correlation (pairwise-complete, as pandas DataFrame.corr()):\n") + TextTable(table);
  if (!pairs.empty()) {
    out.text += "\nStrongest pairs:\n";
    for (const Pair& p : pairs) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%+.4f", p.r);
      out.text += "  " + cols[p.a]->name + " ~ " + cols[p.b]->name + ": " + buf + "\n";
    }
  }
  return out;
}

// ---- value_counts ------------------------------------------------------------

OpOutput ValueCounts(const DataFrame& df, const rapidjson::Value& args, const OpLimits& lim) {
  std::string name = ArgString(args, "column", "");
  if (name.empty()) throw UserError("value_counts needs `column`: one of " + ColumnList(df));
  const Column& c = NeedColumn(df, name);
  size_t limit = ArgCount(args, "limit", 20, lim.max_rows);
  bool normalize = ArgBool(args, "normalize", false);
  bool dropna = ArgBool(args, "dropna", true);
  Factorized f = Factorize(c);
  std::vector<uint32_t> order(f.counts.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return f.counts[a] > f.counts[b]; });
  size_t total = dropna ? c.rows - c.null_count : c.rows;
  struct Entry {
    std::string key;
    size_t count;
  };
  std::vector<Entry> entries;
  for (uint32_t k : order) entries.push_back({c.display(f.first_row[k]), f.counts[k]});
  if (!dropna && c.null_count) {
    Entry e{"NaN", c.null_count};
    auto pos = std::find_if(entries.begin(), entries.end(), [&](const Entry& x) { return x.count < e.count; });
    entries.insert(pos, e);
  }
  size_t shown = std::min(limit, entries.size());
  size_t rest = 0;
  for (size_t i = shown; i < entries.size(); ++i) rest += entries[i].count;
  OpOutput out;
  std::vector<std::vector<std::string>> table = {{name, normalize ? "proportion" : "count"}};
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    for (size_t i = 0; i < shown; ++i) {
      Key(w, entries[i].key);
      if (normalize) {
        double p = total ? static_cast<double>(entries[i].count) / static_cast<double>(total) : kNaN;
        Num(w, p);
        table.push_back({entries[i].key, FormatNumber(p)});
      } else {
        w.Uint64(entries[i].count);
        table.push_back({entries[i].key, std::to_string(entries[i].count)});
      }
    }
    w.EndObject();
  });
  out.info_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    Key(w, "column");
    Str(w, name);
    Key(w, "unique");
    w.Uint64(f.counts.size());
    Key(w, "total");
    w.Uint64(total);
    Key(w, "nulls");
    w.Uint64(c.null_count);
    Key(w, "shown");
    w.Uint64(shown);
    Key(w, "not_shown_count");
    w.Uint64(rest);
    w.EndObject();
  });
  out.text = "Value counts of " + name + " (" + std::to_string(f.counts.size()) + " distinct, " +
             std::to_string(c.null_count) + " null):\n" + TextTable(table);
  if (shown < entries.size())
    out.text += "... " + std::to_string(entries.size() - shown) + " more values (" + std::to_string(rest) +
                " rows); raise `limit` to see them.\n";
  return out;
}

// ---- group_by ----------------------------------------------------------------

int CompareCells(const Column& c, size_t a, size_t b) {
  switch (c.type) {
    case Type::Integer: return c.ints[a] < c.ints[b] ? -1 : c.ints[a] > c.ints[b];
    case Type::Float: return c.floats[a] < c.floats[b] ? -1 : c.floats[a] > c.floats[b];
    case Type::Boolean: return static_cast<int>(c.bools[a]) - static_cast<int>(c.bools[b]);
    default: {
      int r = c.text(a).compare(c.text(b));
      return r < 0 ? -1 : r > 0;
    }
  }
}

double Aggregate(const std::string& agg, std::vector<double>& v) {
  if (agg == "count") return static_cast<double>(v.size());
  if (agg == "sum") return PairwiseSum(v.data(), v.size());
  if (v.empty()) return kNaN;
  if (agg == "mean") return PairwiseSum(v.data(), v.size()) / static_cast<double>(v.size());
  if (agg == "min") return *std::min_element(v.begin(), v.end());
  if (agg == "max") return *std::max_element(v.begin(), v.end());
  if (agg == "std") {
    if (v.size() < 2) return kNaN;
    double mean = PairwiseSum(v.data(), v.size()) / static_cast<double>(v.size());
    std::vector<double> sq(v.size());
    for (size_t i = 0; i < v.size(); ++i) sq[i] = (v[i] - mean) * (v[i] - mean);
    return std::sqrt(PairwiseSum(sq.data(), sq.size()) / static_cast<double>(v.size() - 1));
  }
  if (agg == "median") {
    std::sort(v.begin(), v.end());
    return QuantileSorted(v, 0.5);
  }
  throw UserError("unknown aggregation \"" + agg + "\": use count, sum, mean, min, max, std or median");
}

OpOutput GroupBy(const DataFrame& df, const rapidjson::Value& args, const OpLimits& lim) {
  std::vector<std::string> by = ArgStrings(args, "by");
  if (by.empty()) throw UserError("group_by needs `by`: one or more key columns, from " + ColumnList(df));
  std::vector<const Column*> keys;
  for (const auto& n : by) keys.push_back(&NeedColumn(df, n));
  // Aggregations: {"column": "mean"} or {"column": ["mean", "max"]}.
  std::vector<std::pair<const Column*, std::string>> aggs;
  static const std::unordered_set<std::string> kAggs = {"count", "sum", "mean", "min", "max", "std", "median"};
  if (const rapidjson::Value* a = Arg(args, "aggregations")) {
    if (!a->IsObject())
      throw UserError("`aggregations` must be an object such as {\"price\": [\"mean\", \"max\"], \"id\": \"count\"}");
    for (const auto& m : a->GetObject()) {
      const Column& c = NeedColumn(df, std::string(m.name.GetString(), m.name.GetStringLength()));
      std::vector<std::string> list;
      if (m.value.IsString()) {
        list.emplace_back(m.value.GetString());
      } else if (m.value.IsArray()) {
        for (const auto& e : m.value.GetArray())
          if (e.IsString()) list.emplace_back(e.GetString());
      }
      if (list.empty()) throw UserError("aggregations for \"" + c.name + "\" must be a name or a list of names");
      for (const auto& ag : list) {
        if (!kAggs.count(ag))
          throw UserError("unknown aggregation \"" + ag + "\": use count, sum, mean, min, max, std or median");
        if (ag != "count" && !c.is_numeric() && c.type != Type::Boolean)
          throw UserError("aggregation \"" + ag + "\" needs a numeric column; \"" + c.name + "\" is " +
                          TypeName(c.type) + " (only count works on it)");
        aggs.emplace_back(&c, ag);
      }
    }
  } else {
    for (const auto& c : df.columns) {
      if (!c.is_numeric()) continue;
      if (std::find(keys.begin(), keys.end(), &c) != keys.end()) continue;
      aggs.emplace_back(&c, "mean");
    }
  }
  // Group ids from the key columns' factor codes (rows with a null key are dropped, as pandas).
  std::vector<Factorized> facts;
  for (const Column* k : keys) facts.push_back(Factorize(*k));
  std::unordered_map<std::string, uint32_t> gindex;
  std::vector<size_t> gfirst;  // first row of each group
  std::vector<uint32_t> gid(df.rows, kNullCode);
  std::string kbuf;
  for (size_t i = 0; i < df.rows; ++i) {
    kbuf.clear();
    bool null = false;
    for (const auto& f : facts) {
      uint32_t code = f.codes[i];
      if (code == kNullCode) {
        null = true;
        break;
      }
      kbuf.append(reinterpret_cast<const char*>(&code), sizeof code);
    }
    if (null) continue;
    auto [it, ins] = gindex.try_emplace(kbuf, static_cast<uint32_t>(gfirst.size()));
    if (ins) gfirst.push_back(i);
    gid[i] = it->second;
  }
  const size_t G = gfirst.size();
  std::vector<uint32_t> order(G);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (const Column* k : keys) {
      int r = CompareCells(*k, gfirst[a], gfirst[b]);
      if (r) return r < 0;
    }
    return false;
  });
  std::vector<size_t> sizes(G, 0);
  for (size_t i = 0; i < df.rows; ++i)
    if (gid[i] != kNullCode) sizes[gid[i]]++;
  // values[agg][group] computed per aggregation column.
  std::vector<std::vector<double>> results(aggs.size(), std::vector<double>(G, kNaN));
  std::map<const Column*, std::vector<std::vector<double>>> per_col;
  for (size_t a = 0; a < aggs.size(); ++a) {
    const Column* c = aggs[a].first;
    if (aggs[a].second == "count" && !c->is_numeric() && c->type != Type::Boolean) {
      std::vector<double> cnt(G, 0);
      for (size_t i = 0; i < df.rows; ++i)
        if (gid[i] != kNullCode && !c->is_null(i)) cnt[gid[i]]++;
      results[a] = cnt;
      continue;
    }
    auto it = per_col.find(c);
    if (it == per_col.end()) {
      std::vector<std::vector<double>> vals(G);
      for (size_t i = 0; i < df.rows; ++i)
        if (gid[i] != kNullCode && !c->is_null(i)) vals[gid[i]].push_back(c->number(i));
      it = per_col.emplace(c, std::move(vals)).first;
    }
    for (size_t g = 0; g < G; ++g) {
      std::vector<double> v = it->second[g];
      results[a][g] = Aggregate(aggs[a].second, v);
    }
  }
  size_t limit = ArgCount(args, "limit", 100, lim.max_rows);
  size_t shown = std::min(limit, G);
  std::vector<std::vector<std::string>> table(1);
  for (const Column* k : keys) table[0].push_back(k->name);
  table[0].push_back("size");
  for (const auto& [c, ag] : aggs) table[0].push_back(c->name + "_" + ag);
  OpOutput out;
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartArray();
    for (size_t oi = 0; oi < shown; ++oi) {
      uint32_t g = order[oi];
      std::vector<std::string> row;
      w.StartObject();
      for (const Column* k : keys) {
        Key(w, k->name);
        Cell(w, *k, gfirst[g]);
        row.push_back(k->display(gfirst[g]));
      }
      Key(w, "size");
      w.Uint64(sizes[g]);
      row.push_back(std::to_string(sizes[g]));
      for (size_t a = 0; a < aggs.size(); ++a) {
        Key(w, aggs[a].first->name + "_" + aggs[a].second);
        Num(w, results[a][g]);
        row.push_back(FormatNumber(results[a][g]));
      }
      w.EndObject();
      table.push_back(std::move(row));
    }
    w.EndArray();
  });
  out.info_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    Key(w, "groups");
    w.Uint64(G);
    Key(w, "shown");
    w.Uint64(shown);
    w.EndObject();
  });
  out.text = std::to_string(G) + " groups by " + by[0];
  for (size_t i = 1; i < by.size(); ++i) out.text += ", " + by[i];
  out.text += ":\n" + TextTable(table);
  if (shown < G) out.text += "... " + std::to_string(G - shown) + " more groups; raise `limit` to see them.\n";
  return out;
}

// ---- rows (head, sample, filter) --------------------------------------------

OpOutput Records(const DataFrame& df, const std::vector<size_t>& rows, const std::vector<const Column*>& cols,
                 const std::string& title) {
  OpOutput out;
  std::vector<std::vector<std::string>> table(1);
  table[0].push_back("");
  for (const Column* c : cols) table[0].push_back(c->name);
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartArray();
    for (size_t r : rows) {
      w.StartObject();
      std::vector<std::string> line{std::to_string(r)};
      for (const Column* c : cols) {
        Key(w, c->name);
        Cell(w, *c, r);
        line.push_back(Display(*c, r));
      }
      w.EndObject();
      table.push_back(std::move(line));
    }
    w.EndArray();
  });
  out.info_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    Key(w, "index");
    w.StartArray();
    for (size_t r : rows) w.Uint64(r);
    w.EndArray();
    Key(w, "total_rows");
    w.Uint64(df.rows);
    w.EndObject();
  });
  out.text = title + "\n" + TextTable(table);
  return out;
}

// A condition's value as a number (numbers, or numeric strings).
bool ValueNumber(const rapidjson::Value& v, double& out) {
  if (v.IsNumber()) {
    out = v.GetDouble();
    return true;
  }
  if (v.IsBool()) {
    out = v.GetBool() ? 1 : 0;
    return true;
  }
  if (v.IsString()) return ParseFloat(std::string_view(v.GetString(), v.GetStringLength()), out);
  return false;
}

std::string ValueText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "True" : "False";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return FormatNumber(v.GetDouble());
  return std::string();
}

// ---- missing -----------------------------------------------------------------

OpOutput Missing(const DataFrame& df, const rapidjson::Value& args) {
  std::vector<const Column*> cols = SelectColumns(df, args);
  size_t complete = 0;
  for (size_t i = 0; i < df.rows; ++i) {
    bool ok = true;
    for (const Column* c : cols)
      if (c->is_null(i)) {
        ok = false;
        break;
      }
    complete += ok;
  }
  std::vector<std::vector<std::string>> table = {{"column", "missing", "percent"}};
  size_t with_missing = 0;
  OpOutput out;
  auto pct = [&](size_t n) { return df.rows ? 100.0 * static_cast<double>(n) / static_cast<double>(df.rows) : 0.0; };
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    for (const Column* c : cols) {
      Key(w, c->name);
      w.Uint64(c->null_count);
      with_missing += c->null_count > 0;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f%%", pct(c->null_count));
      table.push_back({c->name, std::to_string(c->null_count), buf});
    }
    w.EndObject();
  });
  out.info_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    Key(w, "rows");
    w.Uint64(df.rows);
    Key(w, "complete_rows");
    w.Uint64(complete);
    Key(w, "columns_with_missing");
    w.Uint64(with_missing);
    Key(w, "percent");
    w.StartObject();
    for (const Column* c : cols) {
      Key(w, c->name);
      Num(w, pct(c->null_count));
    }
    w.EndObject();
    w.EndObject();
  });
  out.text = "Missing values (" + std::to_string(df.rows) + " rows, " + std::to_string(complete) +
             " complete):\n" + TextTable(table);
  return out;
}

// ---- outliers ----------------------------------------------------------------

OpOutput Outliers(const DataFrame& df, const rapidjson::Value& args, const OpLimits& lim) {
  double k = 1.5;
  if (const rapidjson::Value* m = Arg(args, "multiplier")) {
    if (!m->IsNumber() || m->GetDouble() <= 0) throw UserError("`multiplier` must be a positive number (default 1.5)");
    k = m->GetDouble();
  }
  size_t limit = ArgCount(args, "limit", 10, lim.max_rows);
  std::vector<const Column*> cols;
  if (Arg(args, "columns")) {
    for (const Column* c : SelectColumns(df, args)) {
      if (!c->is_numeric()) throw UserError("column \"" + c->name + "\" is not numeric: outliers needs numbers");
      cols.push_back(c);
    }
  } else {
    for (const auto& c : df.columns)
      if (c.is_numeric()) cols.push_back(&c);
  }
  if (cols.empty()) throw UserError("the dataset has no numeric columns. Columns: " + ColumnList(df));
  std::vector<std::vector<std::string>> table = {{"column", "q1", "q3", "iqr", "lower", "upper", "outliers", "percent"}};
  OpOutput out;
  out.result_json = JsonOf([&](JsonWriter& w) {
    w.StartObject();
    for (const Column* c : cols) {
      std::vector<double> v = NumericValues(*c);
      std::sort(v.begin(), v.end());
      double q1 = QuantileSorted(v, 0.25), q3 = QuantileSorted(v, 0.75), iqr = q3 - q1;
      double lo = q1 - k * iqr, hi = q3 + k * iqr;
      std::vector<size_t> rows;
      size_t n = 0;
      for (size_t i = 0; i < c->rows; ++i) {
        if (c->is_null(i)) continue;
        double x = c->number(i);
        if (x < lo || x > hi) {
          if (rows.size() < limit) rows.push_back(i);
          ++n;
        }
      }
      double pct = v.empty() ? kNaN : 100.0 * static_cast<double>(n) / static_cast<double>(v.size());
      Key(w, c->name);
      w.StartObject();
      Key(w, "q1");
      Num(w, q1);
      Key(w, "q3");
      Num(w, q3);
      Key(w, "iqr");
      Num(w, iqr);
      Key(w, "lower_bound");
      Num(w, lo);
      Key(w, "upper_bound");
      Num(w, hi);
      Key(w, "count");
      w.Uint64(n);
      Key(w, "percent");
      Num(w, pct);
      Key(w, "rows");
      w.StartArray();
      for (size_t r : rows) w.Uint64(r);
      w.EndArray();
      Key(w, "values");
      w.StartArray();
      for (size_t r : rows) Cell(w, *c, r);
      w.EndArray();
      w.EndObject();
      char pbuf[32];
      std::snprintf(pbuf, sizeof pbuf, "%.2f%%", std::isfinite(pct) ? pct : 0.0);
      table.push_back({c->name, FormatNumber(q1), FormatNumber(q3), FormatNumber(iqr), FormatNumber(lo),
                       FormatNumber(hi), std::to_string(n), pbuf});
    }
    w.EndObject();
  });
  char kb[32];
  std::snprintf(kb, sizeof kb, "%g", k);
  out.text = std::string("Outliers by the IQR rule (outside [q1 - ") + kb + "*iqr, q3 + " + kb + "*iqr]):\n" +
             TextTable(table);
  return out;
}

}  // namespace

// ---- public ------------------------------------------------------------------

const std::vector<std::string>& OperationNames() {
  static const std::vector<std::string> k = {"summary", "correlation", "value_counts", "group_by", "filter",
                                             "head",    "sample",      "missing",      "outliers"};
  return k;
}

std::string ColumnList(const DataFrame& df) {
  std::string s;
  for (size_t i = 0; i < df.columns.size() && i < 30; ++i) {
    if (i) s += ", ";
    s += df.columns[i].name;
  }
  if (df.columns.size() > 30) s += ", ... (" + std::to_string(df.columns.size()) + " in all)";
  return s.empty() ? "(none)" : s;
}

std::string FormatNumber(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string TextTable(const std::vector<std::vector<std::string>>& rows) {
  size_t ncols = 0;
  for (const auto& r : rows) ncols = std::max(ncols, r.size());
  std::vector<size_t> width(ncols, 0);
  auto len = [](const std::string& s) {  // code points, for alignment
    size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::min<size_t>(std::max(width[i], len(r[i])), 40);
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < ncols; ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      if (len(cell) > 40) cell = cell.substr(0, 37) + "...";
      size_t pad = width[i] > len(cell) ? width[i] - len(cell) : 0;
      if (i) line += "  ";
      if (i == 0)
        line += cell + std::string(pad, ' ');
      else
        line += std::string(pad, ' ') + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

DataFrame TakeRows(const DataFrame& df, const std::vector<size_t>& rows) {
  DataFrame out;
  out.rows = rows.size();
  for (const auto& c : df.columns) {
    ColumnBuilder b(c.name, c.type, rows.size());
    for (size_t r : rows) {
      if (c.is_null(r)) {
        b.add_null();
        continue;
      }
      switch (c.type) {
        case Type::Integer: b.add_int(c.ints[r]); break;
        case Type::Float: b.add_float(c.floats[r]); break;
        case Type::Boolean: b.add_bool(c.bools[r] != 0); break;
        default: b.add_text(c.text(r)); break;
      }
    }
    out.columns.push_back(b.finish());
  }
  return out;
}

std::vector<size_t> FilterRows(const DataFrame& df, const rapidjson::Value& args) {
  const rapidjson::Value* conds = Arg(args, "conditions");
  if (!conds || !conds->IsArray() || conds->Empty())
    throw UserError(
        "filter needs `conditions`: a list such as [{\"column\": \"age\", \"op\": \">=\", \"value\": 18}]; "
        "ops: ==, !=, <, <=, >, >=, contains, is_null, not_null");
  std::string combine = ArgString(args, "combine", "and");
  if (combine != "and" && combine != "or") throw UserError("`combine` must be \"and\" or \"or\"");
  std::vector<uint8_t> keep(df.rows, combine == "and" ? 1 : 0);
  for (const auto& cond : conds->GetArray()) {
    if (!cond.IsObject() || !cond.HasMember("column") || !cond["column"].IsString() || !cond.HasMember("op") ||
        !cond["op"].IsString())
      throw UserError("each condition needs \"column\" and \"op\" (and \"value\" except for is_null/not_null)");
    const Column& c = NeedColumn(df, cond["column"].GetString());
    std::string op = cond["op"].GetString();
    static const std::unordered_set<std::string> kOps = {"==", "!=", "<", "<=", ">", ">=", "contains", "is_null", "not_null"};
    if (!kOps.count(op))
      throw UserError("unknown op \"" + op + "\": use ==, !=, <, <=, >, >=, contains, is_null or not_null");
    const rapidjson::Value* val = cond.HasMember("value") && !cond["value"].IsNull() ? &cond["value"] : nullptr;
    if (!val && op != "is_null" && op != "not_null")
      throw UserError("the condition on \"" + c.name + "\" with op \"" + op + "\" needs a \"value\"");
    // match(i): does row i satisfy the condition?
    std::function<bool(size_t)> match;
    if (op == "is_null") {
      match = [&c](size_t i) { return c.is_null(i); };
    } else if (op == "not_null") {
      match = [&c](size_t i) { return !c.is_null(i); };
    } else if (op == "contains") {
      std::string needle = ValueText(*val);
      match = [&c, needle](size_t i) { return !c.is_null(i) && c.display(i).find(needle) != std::string::npos; };
    } else {
      auto cmp = [op](int r) {
        if (op == "==") return r == 0;
        if (op == "!=") return r != 0;
        if (op == "<") return r < 0;
        if (op == "<=") return r <= 0;
        if (op == ">") return r > 0;
        return r >= 0;
      };
      bool ne = op == "!=";  // pandas: NaN != x is True
      if (c.is_numeric() || c.type == Type::Boolean) {
        double x;
        if (!ValueNumber(*val, x))
          throw UserError("column \"" + c.name + "\" is " + TypeName(c.type) + "; compare it with a number" +
                          (c.type == Type::Boolean ? " or true/false" : ""));
        match = [&c, x, cmp, ne](size_t i) {
          if (c.is_null(i)) return ne;
          double v = c.number(i);
          return cmp(v < x ? -1 : v > x ? 1 : 0);
        };
      } else if (c.type == Type::Datetime) {
        double t;
        std::string s = ValueText(*val);
        if (!ParseDatetime(s, &t))
          throw UserError("column \"" + c.name + "\" holds dates; compare it with a date such as \"2024-01-31\"");
        match = [&c, t, cmp, ne](size_t i) {
          if (c.is_null(i)) return ne;
          double v;
          if (!ParseDatetime(c.text(i), &v)) return false;
          return cmp(v < t ? -1 : v > t ? 1 : 0);
        };
      } else {
        std::string s = ValueText(*val);
        match = [&c, s, cmp, ne](size_t i) {
          if (c.is_null(i)) return ne;
          int r = c.text(i).compare(s);
          return cmp(r < 0 ? -1 : r > 0);
        };
      }
    }
    for (size_t i = 0; i < df.rows; ++i) {
      if (combine == "and") {
        if (keep[i] && !match(i)) keep[i] = 0;
      } else if (!keep[i] && match(i)) {
        keep[i] = 1;
      }
    }
  }
  std::vector<size_t> rows;
  for (size_t i = 0; i < df.rows; ++i)
    if (keep[i]) rows.push_back(i);
  return rows;
}

OpOutput RunOperation(const DataFrame& df, const std::string& op, const rapidjson::Value& args,
                      const OpLimits& lim) {
  if (op == "summary" || op == "describe") return Summary(df, args);
  if (op == "correlation" || op == "corr") return CorrelationOp(df, args);
  if (op == "value_counts") return ValueCounts(df, args, lim);
  if (op == "group_by") return GroupBy(df, args, lim);
  if (op == "missing") return Missing(df, args);
  if (op == "outliers") return Outliers(df, args, lim);
  if (op == "head") {
    size_t n = ArgCount(args, "n", 5, lim.max_rows);
    std::vector<size_t> rows(std::min(n, df.rows));
    std::iota(rows.begin(), rows.end(), size_t{0});
    return Records(df, rows, SelectColumns(df, args),
                   "First " + std::to_string(rows.size()) + " of " + std::to_string(df.rows) + " rows:");
  }
  if (op == "sample") {
    size_t n = std::min(ArgCount(args, "n", 5, lim.max_rows), df.rows);
    uint64_t seed = 0;
    if (const rapidjson::Value* s = Arg(args, "seed")) {
      if (!s->IsUint64()) throw UserError("`seed` must be a non-negative integer");
      seed = s->GetUint64();
    }
    // Floyd's algorithm: n distinct rows, uniformly, reproducible per seed.
    std::mt19937_64 rng(seed);
    std::unordered_set<size_t> chosen;
    std::vector<size_t> rows;
    for (size_t j = df.rows - n; j < df.rows; ++j) {
      size_t t = std::uniform_int_distribution<size_t>(0, j)(rng);
      size_t pick = chosen.count(t) ? j : t;
      chosen.insert(pick);
      rows.push_back(pick);
    }
    return Records(df, rows, SelectColumns(df, args),
                   "A random sample of " + std::to_string(rows.size()) + " of " + std::to_string(df.rows) +
                       " rows (seed " + std::to_string(seed) + "):");
  }
  if (op == "filter") {
    std::vector<size_t> rows = FilterRows(df, args);
    size_t limit = ArgCount(args, "limit", 20, lim.max_rows);
    std::vector<size_t> shown(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(std::min(limit, rows.size())));
    OpOutput out = Records(df, shown, SelectColumns(df, args),
                           std::to_string(rows.size()) + " of " + std::to_string(df.rows) + " rows match" +
                               (shown.size() < rows.size() ? " (first " + std::to_string(shown.size()) + " shown):" : ":"));
    // info: add the match count.
    out.info_json.pop_back();
    out.info_json += ",\"matched\":" + std::to_string(rows.size()) + "}";
    out.rows = std::move(rows);
    return out;
  }
  std::string names;
  for (const auto& n : OperationNames()) names += (names.empty() ? "" : ", ") + n;
  throw UserError("unknown operation \"" + op + "\". Operations: " + names + ".");
}

}  // namespace analytics
