// plugin_test.cpp - the plugin through its C entry point, with the host's
// tables faked: registration, tools, errors, resources and prompts.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mcphost/mcp_plugin.h>
#include <rapidjson/document.h>
#include <string>
#include <vector>

#include "png_decode.h"

namespace fs = std::filesystem;

namespace {

std::string S(mcpp_str s) { return std::string(s.data, s.size); }

struct Out {
  std::vector<std::string> texts;
  std::string structured;
  bool is_error = false;
  std::string error_message;
  std::string description;
  std::vector<std::string> contents;
  std::vector<std::string> mimes;
  double last_progress = -1;
  std::vector<std::vector<uint8_t>> images;
  std::vector<std::string> image_mimes;
  std::vector<std::string> completions;
  int64_t completion_total = -2;
  bool completion_more = false;
  int cancel_after = -1;  // is_cancelled() turns true after this many polls (-1: never)
  int polls = 0;
};

struct FakeResult {
  Out out;
  mcpp_result t{};
  FakeResult() {
    t.struct_size = sizeof t;
    t.result_data = &out;
    t.add_text = [](const mcpp_result* r, mcpp_str s) {
      static_cast<Out*>(r->result_data)->texts.push_back(S(s));
      return MCPP_OK;
    };
    t.set_structured_json = [](const mcpp_result* r, mcpp_str s) {
      static_cast<Out*>(r->result_data)->structured = S(s);
      return MCPP_OK;
    };
    t.set_is_error = [](const mcpp_result* r, uint8_t e) {
      static_cast<Out*>(r->result_data)->is_error = e != 0;
      return MCPP_OK;
    };
    t.set_role = [](const mcpp_result*, int32_t) { return MCPP_OK; };
    t.set_description = [](const mcpp_result* r, mcpp_str s) {
      static_cast<Out*>(r->result_data)->description = S(s);
      return MCPP_OK;
    };
    t.add_image = [](const mcpp_result* r, const char* mime, mcpp_bytes b) {
      auto* o = static_cast<Out*>(r->result_data);
      const auto* p = static_cast<const uint8_t*>(b.data);
      o->images.emplace_back(p, p + b.size);
      o->image_mimes.push_back(mime ? mime : "");
      return MCPP_OK;
    };
    t.add_completion = [](const mcpp_result* r, mcpp_str s) {
      static_cast<Out*>(r->result_data)->completions.push_back(S(s));
      return MCPP_OK;
    };
    t.set_completion_info = [](const mcpp_result* r, int64_t total, uint8_t more) {
      static_cast<Out*>(r->result_data)->completion_total = total;
      static_cast<Out*>(r->result_data)->completion_more = more != 0;
      return MCPP_OK;
    };
    t.add_text_contents = [](const mcpp_result* r, const char*, const char* mime, mcpp_str s) {
      static_cast<Out*>(r->result_data)->contents.push_back(S(s));
      static_cast<Out*>(r->result_data)->mimes.push_back(mime ? mime : "");
      return MCPP_OK;
    };
  }
};

struct FakeCall {
  Out* out;
  mcpp_host host{};
  mcpp_call t{};
  explicit FakeCall(Out* o) : out(o) {
    host.struct_size = sizeof host;
    host.abi_version = MCPP_ABI_VERSION;
    host.log = [](const mcpp_host*, int32_t, mcpp_str) {};
    t.struct_size = sizeof t;
    t.call_data = out;
    t.host = &host;
    t.protocol_version = "2025-11-25";
    t.client_name = "test";
    t.is_cancelled = [](const mcpp_call* c) -> uint8_t {
      auto* o = static_cast<Out*>(c->call_data);
      return o->cancel_after >= 0 && ++o->polls > o->cancel_after;
    };
    t.progress = [](const mcpp_call* c, double p, double, const char*) {
      static_cast<Out*>(c->call_data)->last_progress = p;
    };
    t.set_error_message = [](const mcpp_call* c, mcpp_str m) {
      static_cast<Out*>(c->call_data)->error_message = S(m);
    };
  }
};

struct Registered {
  std::map<std::string, mcpp_tool_desc> tools;
  std::map<std::string, mcpp_resource_desc> resources;
  std::map<std::string, mcpp_resource_template_desc> templates;
  std::map<std::string, mcpp_prompt_desc> prompts;
  std::vector<std::string> schemas;  // JSON texts handed over, to check they parse
  std::string instructions;
};

class Harness {
 public:
  explicit Harness(const std::string& config_json) {
    mcpp_negotiation n{};
    n.struct_size = sizeof n;
    n.host_abi_min = 1;
    n.host_abi_max = 1;
    REQUIRE(mcpp_plugin_negotiate(&n) == MCPP_OK);
    plugin_ = n.plugin;
    host_.struct_size = sizeof host_;
    host_.abi_version = 1;
    host_.host_name = "fake";
    host_.host_version = "0";
    host_.log = [](const mcpp_host*, int32_t, mcpp_str) {};
    mcpp_init_params p{};
    p.struct_size = sizeof p;
    p.config_json = mcpp_str{config_json.data(), config_json.size()};
    p.alias = "";
    p.plugin_path = "test";
    status_ = plugin_->create(&host_, &p, &instance_);
    if (status_ != MCPP_OK) return;
    mcpp_registrar reg{};
    reg.struct_size = sizeof reg;
    reg.registrar_data = &r_;
    reg.add_tool = [](const mcpp_registrar* g, const mcpp_tool_desc* d) {
      auto& r = *static_cast<Registered*>(g->registrar_data);
      r.tools[d->name] = *d;
      r.schemas.push_back(d->input_schema_json);
      if (d->output_schema_json) r.schemas.push_back(d->output_schema_json);
      return MCPP_OK;
    };
    reg.add_resource = [](const mcpp_registrar* g, const mcpp_resource_desc* d) {
      static_cast<Registered*>(g->registrar_data)->resources[d->uri] = *d;
      return MCPP_OK;
    };
    reg.add_resource_template = [](const mcpp_registrar* g, const mcpp_resource_template_desc* d) {
      static_cast<Registered*>(g->registrar_data)->templates[d->uri_template] = *d;
      return MCPP_OK;
    };
    reg.add_prompt = [](const mcpp_registrar* g, const mcpp_prompt_desc* d) {
      auto& r = *static_cast<Registered*>(g->registrar_data);
      r.prompts[d->name] = *d;
      r.schemas.push_back(d->arguments_json);
      return MCPP_OK;
    };
    reg.set_instructions = [](const mcpp_registrar* g, const char* text) {
      static_cast<Registered*>(g->registrar_data)->instructions = text;
      return MCPP_OK;
    };
    REQUIRE(plugin_->register_capabilities(instance_, &reg) == MCPP_OK);
  }
  ~Harness() {
    if (instance_) plugin_->destroy(instance_);
  }
  int32_t status() const { return status_; }
  const Registered& reg() const { return r_; }

  int32_t Tool(const std::string& name, const std::string& args, Out& out, int cancel_after = -1) {
    auto it = r_.tools.find(name);
    REQUIRE(it != r_.tools.end());
    FakeResult fr;
    fr.out.cancel_after = cancel_after;
    FakeCall fc(&fr.out);
    int32_t st = it->second.call(it->second.user_data, &fc.t, mcpp_str{args.data(), args.size()}, &fr.t);
    out = fr.out;
    out.error_message = fr.out.error_message;
    return st;
  }
  int32_t Resource(const std::string& key, const std::string& uri, const std::string& vars, Out& out) {
    FakeResult fr;
    FakeCall fc(&fr.out);
    int32_t st;
    if (r_.resources.count(key)) {
      auto& d = r_.resources.at(key);
      st = d.read(d.user_data, &fc.t, uri.c_str(), mcpp_str{vars.data(), vars.size()}, &fr.t);
    } else {
      auto& d = r_.templates.at(key);
      st = d.read(d.user_data, &fc.t, uri.c_str(), mcpp_str{vars.data(), vars.size()}, &fr.t);
    }
    out = fr.out;
    return st;
  }
  // completion/complete: `key` names a prompt or a resource template.
  int32_t Complete(const std::string& key, const std::string& arg, const std::string& value, const std::string& ctx,
                   Out& out) {
    FakeResult fr;
    FakeCall fc(&fr.out);
    mcpp_complete_fn fn = nullptr;
    void* ud = nullptr;
    if (r_.prompts.count(key)) {
      fn = r_.prompts.at(key).complete;
      ud = r_.prompts.at(key).user_data;
    } else {
      fn = r_.templates.at(key).complete;
      ud = r_.templates.at(key).user_data;
    }
    REQUIRE(fn != nullptr);
    int32_t st = fn(ud, &fc.t, arg.c_str(), mcpp_str{value.data(), value.size()}, mcpp_str{ctx.data(), ctx.size()}, &fr.t);
    out = fr.out;
    return st;
  }
  int32_t Prompt(const std::string& name, const std::string& args, Out& out) {
    auto& d = r_.prompts.at(name);
    FakeResult fr;
    FakeCall fc(&fr.out);
    int32_t st = d.get(d.user_data, &fc.t, mcpp_str{args.data(), args.size()}, &fr.t);
    out = fr.out;
    return st;
  }

 private:
  const mcpp_plugin* plugin_ = nullptr;
  mcpp_host host_{};
  void* instance_ = nullptr;
  int32_t status_ = MCPP_ERR_INTERNAL;
  Registered r_;
};

rapidjson::Document Json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  INFO(s);
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

struct DataDir {
  fs::path path;
  DataDir() {
    char tmpl[] = "/tmp/analytics-plugin-XXXXXX";
    path = fs::path(::mkdtemp(tmpl));
    std::ofstream(path / "people.csv") << "name,age,score,city\nAnn,31,88.5,Oslo\nBob,,92.25,Rome\n"
                                          "Cy,45,71,Oslo\nDee,29,,Lima\n";
  }
  ~DataDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string config() const { return "{\"roots\":[\"" + path.string() + "\"],\"handle_secret\":\"k\"}"; }
};

}  // namespace

TEST_CASE("plugin: registers its tools, resources, templates and prompts", "[analytics][plugin]") {
  DataDir d;
  Harness h(d.config());
  REQUIRE(h.status() == MCPP_OK);
  for (const char* t : {"load_data", "analyze_data", "list_datasets", "drop_data"}) CHECK(h.reg().tools.count(t));
  CHECK(h.reg().resources.count("analytics://status"));
  CHECK(h.reg().resources.count("analytics://datasets"));
  CHECK(h.reg().templates.count("analytics://data/{data_id}"));
  CHECK(h.reg().templates.count("analytics://schema/{data_id}"));
  for (const char* p : {"data_exploration_guide", "data_quality_report", "correlation_study"}) CHECK(h.reg().prompts.count(p));
  for (const auto& s : h.reg().schemas) Json(s);  // every schema text parses
  CHECK_THAT(h.reg().instructions, Catch::Contains("load_data"));
}

TEST_CASE("plugin: bad config fails create", "[analytics][plugin]") {
  Harness h(R"({"rootz":["/tmp"]})");
  CHECK(h.status() != MCPP_OK);
  Harness h2(R"({"max_total_mb":-1})");
  CHECK(h2.status() != MCPP_OK);
}

TEST_CASE("plugin: load, analyze, list, drop, with errors that say what to do", "[analytics][plugin]") {
  DataDir d;
  Harness h(d.config());
  Out out;
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"people"})", out) == MCPP_OK);
  auto load = Json(out.structured);
  CHECK(load["shape"][0].GetInt() == 4);
  CHECK(load["shape"][1].GetInt() == 4);
  CHECK(std::string(load["schema"]["columns"]["age"]["type"].GetString()) == "integer");
  CHECK(std::string(load["schema"]["columns"]["age"]["dtype"].GetString()) == "float64");
  CHECK(load["schema"]["columns"]["age"]["null_count"].GetInt() == 1);
  CHECK(load["schema"]["columns"]["city"]["unique_count"].GetInt() == 3);
  std::string handle = load["handle"].GetString();
  CHECK_THAT(out.texts.at(0), Catch::Contains("4 rows x 4 columns") && Catch::Contains("analyze_data"));

  REQUIRE(h.Tool("analyze_data", R"({"data_id":"people","operation":"summary"})", out) == MCPP_OK);
  auto sum = Json(out.structured);
  CHECK(sum["result"]["age"]["mean"].GetDouble() == Approx(35.0));
  CHECK(sum["result"]["score"]["count"].GetDouble() == 3);
  CHECK_THAT(out.texts.at(0), Catch::Contains("mean") && Catch::Contains("age"));

  // The handle works wherever a data_id does.
  std::string args = R"({"data_id":")" + handle + R"(","operation":"correlation"})";
  REQUIRE(h.Tool("analyze_data", args, out) == MCPP_OK);
  auto corr = Json(out.structured);
  CHECK(corr["result"]["age"]["score"].GetDouble() == Approx(-1.0));  // two common rows
  CHECK(corr["result"]["age"]["age"].GetDouble() == Approx(1.0));

  REQUIRE(h.Tool("analyze_data", R"({"data_id":"people","operation":"filter","conditions":[{"column":"city","op":"==","value":"Oslo"}],"save_as":"oslo"})", out) == MCPP_OK);
  CHECK(Json(out.structured)["info"]["matched"].GetInt() == 2);
  REQUIRE(h.Tool("list_datasets", "{}", out) == MCPP_OK);
  auto list = Json(out.structured);
  CHECK(list["datasets"].Size() == 2);

  CHECK(h.Tool("analyze_data", R"({"data_id":"nope","operation":"summary"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("no dataset \"nope\"") && Catch::Contains("load_data") &&
                                    Catch::Contains("people"));
  CHECK(h.Tool("analyze_data", R"({"data_id":"people","operation":"value_counts","column":"Age"})", out) ==
        MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("unknown column \"Age\"") && Catch::Contains("name, age, score, city"));
  CHECK(h.Tool("load_data", R"({"file_path":"/etc/passwd","data_id":"x"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("outside the allowed data folders"));
  CHECK(h.Tool("load_data", R"({"file_path":"nothing.csv","data_id":"x"})", out) == MCPP_ERR_INVALID_ARGUMENT);

  REQUIRE(h.Tool("drop_data", R"({"data_id":"oslo"})", out) == MCPP_OK);
  CHECK(h.Tool("drop_data", R"({"data_id":"oslo"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("list_datasets"));
}

TEST_CASE("plugin: resources and prompts", "[analytics][plugin]") {
  DataDir d;
  Harness h(d.config());
  Out out;
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"people"})", out) == MCPP_OK);
  REQUIRE(h.Resource("analytics://status", "analytics://status", "{}", out) == MCPP_OK);
  auto st = Json(out.contents.at(0));
  CHECK(st["data_loaded"].GetInt() == 1);
  CHECK(std::string(st["domain"].GetString()) == "analytics");
  REQUIRE(h.Resource("analytics://datasets", "analytics://datasets", "{}", out) == MCPP_OK);
  CHECK(Json(out.contents.at(0))["datasets"][0]["rows"].GetInt() == 4);
  REQUIRE(h.Resource("analytics://data/{data_id}", "analytics://data/people", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK(out.mimes.at(0) == "text/csv");
  CHECK(out.contents.at(0).rfind("name,age,score,city\nAnn,31,88.5,Oslo\nBob,,92.25,Rome\n", 0) == 0);
  REQUIRE(h.Resource("analytics://schema/{data_id}", "analytics://schema/people", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK(Json(out.contents.at(0))["columns"]["score"]["type"] == "float");
  CHECK(h.Resource("analytics://data/{data_id}", "analytics://data/zz", R"({"data_id":"zz"})", out) == MCPP_ERR_NOT_FOUND);

  REQUIRE(h.Prompt("data_exploration_guide", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("# Exploring people") && Catch::Contains("Shape: (4, 4)") &&
                                  Catch::Contains("operation=\"correlation\""));
  REQUIRE(h.Prompt("data_quality_report", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("age: 1 (25.0%)"));
  REQUIRE(h.Prompt("correlation_study", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("spearman"));
  REQUIRE(h.Prompt("data_exploration_guide", R"({"data_id":"ghost"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("not found. Use load_data"));
}

TEST_CASE("plugin: query over the datasets, by data_id and by handle", "[analytics][plugin][sql]") {
  DataDir d;
  Harness h(d.config());
  Out out;
  REQUIRE(h.reg().tools.count("query"));
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"people"})", out) == MCPP_OK);
  std::string handle = Json(out.structured)["handle"].GetString();
  REQUIRE(h.Tool("query", R"({"sql":"SELECT city, count(*) AS n, avg(age) FROM people GROUP BY city ORDER BY n DESC, city"})",
                 out) == MCPP_OK);
  auto q = Json(out.structured);
  CHECK(q["columns"].Size() == 3);
  CHECK(std::string(q["columns"][1].GetString()) == "n");
  CHECK(std::string(q["types"][0].GetString()) == "string");
  REQUIRE(q["rows"].Size() == 3);
  CHECK(std::string(q["rows"][0][0].GetString()) == "Oslo");
  CHECK(q["rows"][0][1].GetInt() == 2);
  CHECK(q["rows"][0][2].GetDouble() == Approx(38.0));  // (31 + 45) / 2
  CHECK(std::string(q["rows"][2][0].GetString()) == "Rome");
  CHECK(q["rows"][2][2].IsNull());                     // Rome: Bob's age is missing
  CHECK(q["info"]["truncated"].GetBool() == false);
  CHECK_THAT(out.texts.at(0), Catch::Contains("Oslo") && Catch::Contains("3 rows"));

  // max_rows (argument, capped by config) truncates.
  REQUIRE(h.Tool("query", R"({"sql":"SELECT name FROM people","max_rows":2})", out) == MCPP_OK);
  q = Json(out.structured);
  CHECK(q["rows"].Size() == 2);
  CHECK(q["info"]["truncated"].GetBool());

  // A handle in `datasets` is resolved first (a replica that never saw it loads it).
  Harness h2(d.config());
  std::string args = R"({"sql":"SELECT sum(score) FROM people","datasets":[")" + handle + R"("]})";
  REQUIRE(h2.Tool("query", args, out) == MCPP_OK);
  CHECK(Json(out.structured)["rows"][0][0].GetDouble() == Approx(88.5 + 92.25 + 71));

  // Errors: isError (invalid argument) with what exists.
  CHECK(h.Tool("query", R"({"sql":"SELECT nme FROM people"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("no such column: nme") && Catch::Contains("people(name text"));
  CHECK(h.Tool("query", R"({"sql":"DELETE FROM people"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("DELETE is not allowed"));
  CHECK(h.Tool("query", R"({"sql":"ATTACH '/tmp/x' AS x"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("ATTACH is not allowed"));
  CHECK(h.Tool("query", R"({"sql":""})", out) == MCPP_ERR_INVALID_ARGUMENT);

  // Cancellation: the progress handler sees is_cancelled() and stops.
  const char* slow = R"({"sql":"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 100000000) SELECT count(*) FROM n"})";
  CHECK(h.Tool("query", slow, out, 3) == MCPP_ERR_CANCELLED);
  CHECK(out.polls == 4);
}

TEST_CASE("plugin: query_timeout_seconds stops a long query with an isError result", "[analytics][plugin][sql]") {
  DataDir d;
  std::string cfg = d.config();
  cfg.insert(cfg.size() - 1, R"(,"query_timeout_seconds":0.001)");
  Harness h(cfg);
  REQUIRE(h.status() == MCPP_OK);
  Out out;
  const char* slow = R"({"sql":"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n"})";
  CHECK(h.Tool("query", slow, out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("deadline") && Catch::Contains("query_timeout_seconds"));
}

TEST_CASE("plugin: plot returns a PNG whose marks match the structured result", "[analytics][plugin][charts]") {
  DataDir d;
  Harness h(d.config());
  Out out;
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"people"})", out) == MCPP_OK);
  REQUIRE(h.Tool("plot", R"({"data_id":"people","kind":"histogram","column":"score","bins":3,"width":400,"height":300})",
                 out) == MCPP_OK);
  REQUIRE(out.images.size() == 1);
  CHECK(out.image_mimes.at(0) == "image/png");
  auto sc = Json(out.structured);
  DecodedPng p = DecodePng(out.images[0]);
  REQUIRE(p.ok);
  CHECK(p.width == 400);
  CHECK(p.height == 300);
  CHECK(sc["png_bytes"].GetUint64() == out.images[0].size());
  // numpy.histogram([88.5, 92.25, 71], 3): edges 71, 78.08.., 85.16.., 92.25; counts 1, 0, 2.
  CHECK(sc["bins"]["counts"][0].GetInt() == 1);
  CHECK(sc["bins"]["counts"][1].GetInt() == 0);
  CHECK(sc["bins"]["counts"][2].GetInt() == 2);
  CHECK(sc["bins"]["edges"][3].GetDouble() == 92.25);
  int top = sc["plot_area"]["top"].GetInt(), bottom = sc["plot_area"]["bottom"].GetInt();
  int left = sc["plot_area"]["left"].GetInt(), right = sc["plot_area"]["right"].GetInt();
  double ymax = sc["y_range"][1].GetDouble();
  auto bar = [&](int bin) {
    double e0 = sc["bins"]["edges"][bin].GetDouble(), e1 = sc["bins"]["edges"][bin + 1].GetDouble();
    double lo = sc["x_range"][0].GetDouble(), hi = sc["x_range"][1].GetDouble();
    int x = left + static_cast<int>(std::lround(((e0 + e1) / 2 - lo) / (hi - lo) * (right - left)));
    int n = 0;
    for (int y = top; y < bottom; ++y) n += p.is(x, y, 70, 130, 180);
    return n;
  };
  CHECK(std::abs(bar(0) - 1 * (bottom - top) / ymax) <= 1.0);
  CHECK(bar(1) == 0);
  CHECK(std::abs(bar(2) - 2 * (bottom - top) / ymax) <= 1.0);

  REQUIRE(h.Tool("plot", R"({"data_id":"people","kind":"scatter","x":"age","y":"score"})", out) == MCPP_OK);
  CHECK(Json(out.structured)["points"].GetInt() == 2);  // rows with both values: Ann, Cy
  REQUIRE(out.images.size() == 1);
  CHECK(DecodePng(out.images[0]).width == 640);
  REQUIRE(h.Tool("plot", R"({"data_id":"people","kind":"heatmap"})", out) == MCPP_OK);
  CHECK(Json(out.structured)["columns"].Size() == 2);

  CHECK(h.Tool("plot", R"({"data_id":"people","kind":"histogram","column":"city"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("not numeric") && Catch::Contains("age, score"));
  CHECK(h.Tool("plot", R"({"data_id":"people","kind":"pie"})", out) == MCPP_ERR_INVALID_ARGUMENT);
  CHECK_THAT(out.error_message, Catch::Contains("histogram"));
}

TEST_CASE("plugin: completion of data_id and column arguments", "[analytics][plugin][complete]") {
  DataDir d;
  std::ofstream(d.path / "sales.csv") << "region,amount,units\nn,1.5,2\ns,2.5,3\n";
  Harness h(d.config());
  Out out;
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"people"})", out) == MCPP_OK);
  REQUIRE(h.Tool("load_data", R"({"file_path":"people.csv","data_id":"pets"})", out) == MCPP_OK);
  REQUIRE(h.Tool("load_data", R"({"file_path":"sales.csv","data_id":"sales"})", out) == MCPP_OK);

  REQUIRE(h.Complete("analytics://data/{data_id}", "data_id", "pe", "{}", out) == MCPP_OK);
  CHECK(out.completions == std::vector<std::string>{"people", "pets"});
  CHECK(out.completion_total == 2);
  CHECK_FALSE(out.completion_more);
  REQUIRE(h.Complete("analytics://schema/{data_id}", "data_id", "S", "{}", out) == MCPP_OK);
  CHECK(out.completions == std::vector<std::string>{"sales"});  // prefix match ignores case
  REQUIRE(h.Complete("data_quality_report", "data_id", "", "{}", out) == MCPP_OK);
  CHECK(out.completions.size() == 3);
  REQUIRE(h.Complete("data_exploration_guide", "data_id", "zz", "{}", out) == MCPP_OK);
  CHECK(out.completions.empty());

  // Columns of the data_id chosen already; target offers numeric ones only.
  REQUIRE(h.Complete("data_exploration_guide", "column", "", R"({"data_id":"sales"})", out) == MCPP_OK);
  CHECK(out.completions == std::vector<std::string>{"amount", "region", "units"});
  REQUIRE(h.Complete("correlation_study", "target", "", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK(out.completions == std::vector<std::string>{"age", "score"});
  REQUIRE(h.Complete("correlation_study", "target", "sc", R"({"data_id":"people"})", out) == MCPP_OK);
  CHECK(out.completions == std::vector<std::string>{"score"});
  REQUIRE(h.Complete("data_exploration_guide", "column", "a", "{}", out) == MCPP_OK);
  CHECK(out.completions.empty());  // no data_id yet

  // The prompts use the new arguments.
  REQUIRE(h.Prompt("data_exploration_guide", R"({"data_id":"sales","column":"units"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("## Focus: units") && Catch::Contains("kind=\"histogram\""));
  REQUIRE(h.Prompt("correlation_study", R"({"data_id":"people","target":"score"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("Focus on score") && Catch::Contains("kind=\"heatmap\""));
  REQUIRE(h.Prompt("correlation_study", R"({"data_id":"people","target":"nope"})", out) == MCPP_OK);
  CHECK_THAT(out.texts.at(0), Catch::Contains("'nope' is not in people"));
}
