// plot_tool.cpp - the `plot` tool: a histogram, scatter plot or correlation
// heat map of a dataset as PNG image content, with a text description and
// structuredContent giving the data-to-pixel mapping (see charts.h) so a
// client can say where each mark is.
#include <rapidjson/document.h>

#include <cmath>

#include "analytics_plugin.h"
#include "charts.h"
#include "json_out.h"
#include "png_out.h"
#include "stats.h"

namespace analytics {

namespace {

std::string Opt(const rapidjson::Value& a, const char* name, const std::string& def = "") {
  auto it = a.FindMember(name);
  if (it == a.MemberEnd() || it->value.IsNull()) return def;
  if (!it->value.IsString()) throw UserError(std::string("`") + name + "` must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

int OptInt(const rapidjson::Value& a, const char* name, int def, int lo, int hi) {
  auto it = a.FindMember(name);
  if (it == a.MemberEnd() || it->value.IsNull()) return def;
  if (!it->value.IsInt() || it->value.GetInt() < lo || it->value.GetInt() > hi)
    throw UserError(std::string("`") + name + "` must be an integer from " + std::to_string(lo) + " to " +
                    std::to_string(hi));
  return it->value.GetInt();
}

std::string NumericList(const DataFrame& df) {
  std::string s;
  for (const auto& c : df.columns)
    if (c.is_numeric() || c.type == Type::Boolean) s += (s.empty() ? "" : ", ") + c.name;
  return s.empty() ? "(none)" : s;
}

const Column& NumericColumn(const DataFrame& df, const std::string& name, const char* arg) {
  if (name.empty())
    throw UserError(std::string("`") + arg + "` is required for this kind of plot. Numeric columns: " + NumericList(df));
  const Column* c = df.find(name);
  if (!c)
    throw UserError("unknown column \"" + name + "\". Numeric columns: " + NumericList(df) +
                    ". Column names are case-sensitive.");
  if (!c->is_numeric() && c->type != Type::Boolean)
    throw UserError("column \"" + name + "\" is " + TypeName(c->type) + ", not numeric. Numeric columns: " +
                    NumericList(df) + ". For text columns use analyze_data value_counts.");
  return *c;
}

void Rect(JsonWriter& w, const PlotRect& a) {
  w.StartObject();
  w.Key("left");
  w.Int(a.left);
  w.Key("top");
  w.Int(a.top);
  w.Key("right");
  w.Int(a.right);
  w.Key("bottom");
  w.Int(a.bottom);
  w.EndObject();
}

}  // namespace

void AnalyticsPlugin::Plot(mcpp::Call& call, std::string_view args_json, mcpp::Result& r) {
  rapidjson::Document a;
  a.Parse(args_json.data(), args_json.size());
  if (a.HasParseError() || !a.IsObject()) throw mcpp::InvalidArgument("the arguments are not a JSON object");
  ProgressFn progress = [&call](uint64_t done, uint64_t total) {
    call.progress(static_cast<double>(done), static_cast<double>(total), "loading");
    return !call.is_cancelled();
  };
  try {
    std::string id = Opt(a, "data_id");
    if (id.empty()) throw UserError("`data_id` is required (a loaded dataset or its handle)");
    std::string kind = Opt(a, "kind");
    auto ds = store_.Get(id, progress);
    const DataFrame& df = *ds->frame;
    ChartStyle st;
    st.width = OptInt(a, "width", 640, 120, 4000);
    st.height = OptInt(a, "height", 480, 120, 4000);
    st.title = Opt(a, "title");

    rapidjson::StringBuffer sb;
    JsonWriter w(sb);
    w.StartObject();
    w.Key("success");
    w.Bool(true);
    w.Key("data_id");
    Str(w, ds->data_id);
    w.Key("kind");
    Str(w, kind);
    w.Key("width");
    w.Int(st.width);
    w.Key("height");
    w.Int(st.height);
    std::string text;
    const Chart* chart = nullptr;
    Histogram hist;
    Scatter sc;
    Heatmap hm;
    if (kind == "histogram") {
      const Column& c = NumericColumn(df, Opt(a, "column"), "column");
      if (st.title.empty()) st.title = "Histogram of " + c.name;
      st.x_label = c.name;
      st.y_label = "count";
      hist = DrawHistogram(NumericValues(c), static_cast<size_t>(OptInt(a, "bins", 0, 1, 500)), st);
      chart = &hist.chart;
      w.Key("column");
      Str(w, c.name);
      w.Key("bins");
      w.StartObject();
      w.Key("edges");
      w.StartArray();
      for (double e : hist.edges) Num(w, e);
      w.EndArray();
      w.Key("counts");
      w.StartArray();
      size_t total = 0;
      for (size_t n : hist.counts) {
        w.Uint64(n);
        total += n;
      }
      w.EndArray();
      w.EndObject();
      text = "Histogram of " + c.name + ": " + std::to_string(total) + " values in " + std::to_string(hist.counts.size()) +
             " bins from " + FormatNumber(hist.edges.front()) + " to " + FormatNumber(hist.edges.back()) +
             " (tallest bin " + std::to_string(*std::max_element(hist.counts.begin(), hist.counts.end())) + ").";
    } else if (kind == "scatter") {
      const Column& x = NumericColumn(df, Opt(a, "x"), "x");
      const Column& y = NumericColumn(df, Opt(a, "y"), "y");
      if (st.title.empty()) st.title = y.name + " vs " + x.name;
      st.x_label = x.name;
      st.y_label = y.name;
      sc = DrawScatter(AsDoubles(x), AsDoubles(y), st);
      chart = &sc.chart;
      w.Key("x");
      Str(w, x.name);
      w.Key("y");
      Str(w, y.name);
      w.Key("points");
      w.Uint64(sc.points);
      text = "Scatter plot of " + y.name + " (y) against " + x.name + " (x): " + std::to_string(sc.points) +
             " points (rows with a missing value in either are left out).";
    } else if (kind == "heatmap") {
      std::string method = Opt(a, "method", "pearson");
      if (method != "pearson" && method != "spearman") throw UserError("`method` must be pearson or spearman");
      std::vector<const Column*> cols;
      auto it = a.FindMember("columns");
      if (it != a.MemberEnd() && it->value.IsArray()) {
        for (const auto& v : it->value.GetArray()) {
          if (!v.IsString()) throw UserError("`columns` must be a list of column names");
          cols.push_back(&NumericColumn(df, v.GetString(), "columns"));
        }
      } else {
        for (const auto& c : df.columns)
          if (c.is_numeric()) cols.push_back(&c);
      }
      if (cols.size() < 2)
        throw UserError("a correlation heat map needs at least two numeric columns. Numeric columns: " + NumericList(df));
      if (cols.size() > 40) throw UserError("at most 40 columns fit a heat map; pass `columns` to choose");
      std::vector<std::vector<double>> data;
      std::vector<std::string> names;
      for (const Column* c : cols) {
        data.push_back(AsDoubles(*c));
        names.push_back(c->name);
      }
      std::vector<double> m = Correlation(data, method, 1);
      if (st.title.empty()) st.title = "Correlation (" + method + ") of " + ds->data_id;
      hm = DrawHeatmap(names, m, st);
      chart = &hm.chart;
      w.Key("method");
      Str(w, method);
      w.Key("columns");
      w.StartArray();
      for (const auto& n : names) Str(w, n);
      w.EndArray();
      w.Key("matrix");
      w.StartArray();
      for (size_t i = 0; i < names.size(); ++i) {
        w.StartArray();
        for (size_t j = 0; j < names.size(); ++j) Num(w, m[i * names.size() + j]);
        w.EndArray();
      }
      w.EndArray();
      w.Key("cell");
      w.StartObject();
      w.Key("width");
      w.Int(hm.cell_w);
      w.Key("height");
      w.Int(hm.cell_h);
      w.EndObject();
      text = "Correlation heat map (" + method + ") of " + std::to_string(names.size()) +
             " columns: red is +1, near-white 0, blue -1; cell (i, j) is row i, column j in the order of `columns`.";
    } else {
      throw UserError("`kind` must be histogram (with `column`), scatter (with `x` and `y`) or heatmap (optional "
                      "`columns`, `method`)");
    }
    w.Key("plot_area");
    Rect(w, chart->area);
    if (kind != "heatmap") {
      w.Key("x_range");
      w.StartArray();
      Num(w, chart->x_lo);
      Num(w, chart->x_hi);
      w.EndArray();
      w.Key("y_range");
      w.StartArray();
      Num(w, chart->y_lo);
      Num(w, chart->y_hi);
      w.EndArray();
    }
    std::vector<uint8_t> png = EncodePng(chart->canvas);
    w.Key("png_bytes");
    w.Uint64(png.size());
    w.EndObject();
    r.add_text(text + " The picture is " + std::to_string(st.width) + "x" + std::to_string(st.height) + " PNG.");
    r.add_image("image/png", png.data(), png.size());
    r.set_structured_json(std::string_view(sb.GetString(), sb.GetSize()));
  } catch (const UserError& e) {
    throw mcpp::InvalidArgument(e.what());
  } catch (const LoadCancelled&) {
    throw mcpp::Cancelled("loading was cancelled");
  }
}

}  // namespace analytics
