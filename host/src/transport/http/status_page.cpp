// status_page.cpp - see status_page.h.
#include "transport/http/status_page.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "catalog/catalog.h"
#include "mcphost/mcp_plugin.h"
#include "protocol/server_state.h"
#include "runtime/host_runtime.h"
#include "util/unix_time.h"

namespace mcph::http {
namespace {

// Length of the UTF-8 sequence starting at s[i] when it is valid, else 0.
size_t Utf8Len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (b(i + k) & 0x3F);
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string Num(uint64_t v) { return std::to_string(v); }

std::string Fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Duration(double seconds) {
  auto s = static_cast<uint64_t>(seconds);
  char buf[64];
  if (s >= 86400)
    std::snprintf(buf, sizeof buf, "%llud %02lluh %02llum", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s / 3600 % 24), static_cast<unsigned long long>(s / 60 % 60));
  else
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60), static_cast<unsigned long long>(s % 60));
  return buf;
}

std::string UtcTime(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
  return buf;
}

const char* EraName(int era) { return era == 1 ? "modern" : "legacy"; }

// A table cell: text (escaped when written) or markup this file made.
struct Cell {
  Cell(std::string t) : text(std::move(t)) {}  // NOLINT: text converts implicitly
  Cell(const char* t) : text(t) {}              // NOLINT
  static Cell Markup(std::string html) {
    Cell c{std::string()};
    c.text = std::move(html);
    c.markup = true;
    return c;
  }
  std::string text;
  bool markup = false;
};

// One HTML table: a header row, then rows of cells.
class Table {
 public:
  Table(std::string& out, std::string_view id, std::initializer_list<std::string_view> heads) : out_(out) {
    out_ += "<table id=\"";
    out_ += id;
    out_ += "\"><thead><tr>";
    for (auto h : heads) {
      out_ += "<th>";
      out_ += HtmlEscape(h);
      out_ += "</th>";
    }
    out_ += "</tr></thead><tbody>";
  }
  ~Table() { out_ += "</tbody></table>\n"; }
  // `cls` is a class attribute value made by this file (not data).
  void Row(std::initializer_list<Cell> cells, std::string_view cls = {}) {
    out_ += cls.empty() ? "<tr>" : "<tr class=\"" + HtmlEscape(cls) + "\">";
    for (const auto& c : cells) {
      out_ += "<td>";
      out_ += c.markup ? c.text : HtmlEscape(c.text);
      out_ += "</td>";
    }
    out_ += "</tr>";
  }
  void Empty(size_t columns, std::string_view text) {
    out_ += "<tr><td class=\"none\" colspan=\"" + std::to_string(columns) + "\">" + HtmlEscape(text) + "</td></tr>";
  }

 private:
  std::string& out_;
};

// The health badge; `health` is one of this file's words, escaped anyway.
Cell Badge(const std::string& health) {
  return Cell::Markup("<span class=\"badge " + HtmlEscape(health) + "\">" + HtmlEscape(health) + "</span>");
}

std::string PluginLabel(const PluginInstance& p) {
  return p.alias().empty() ? std::string(p.descriptor().name) : p.alias();
}

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 24px}
header h1{font-size:20px;margin:0}
header p{margin:4px 0 0;color:#c9d1d9}
main{padding:8px 24px 24px}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:16px 0;padding:8px 16px 16px}
h2{font-size:16px;margin:8px 0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right}
.none{color:#57606a;font-style:italic}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600}
.badge.ok{background:#dafbe1;color:#116329}
.badge.degraded{background:#fff8c5;color:#7d4e00}
.badge.failed{background:#ffebe9;color:#a40e26}
dl.figures{display:flex;flex-wrap:wrap;gap:12px;margin:0}
dl.figures div{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:120px}
dl.figures dt{color:#57606a;font-size:12px}
dl.figures dd{margin:0;font-size:20px;font-weight:600}
code{font:12px ui-monospace,monospace}
)";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Len(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      ++i;
      continue;
    }
    if (n == 1) {
      char c = text[i];
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
          // Control characters other than tab/newline would be invisible or invalid in HTML.
          if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += "\xEF\xBF\xBD";
          else out.push_back(c);
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

StatusData CollectStatus(HostRuntime& runtime, const Metrics& metrics, bool draining, size_t sessions,
                         int64_t in_progress) {
  ServerState& st = runtime.state();
  StatusData d;
  d.server_name = st.identity.name;
  d.server_version = st.identity.version;
  d.abi_version = MCPP_ABI_VERSION;
  d.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.stats.started).count();
  d.draining = draining;
  d.connections = metrics.active_connections();
  d.sessions = sessions;
  d.in_progress = in_progress;
  d.now_unix_ms = UnixMs();

  // Per-tool counters, keyed as the catalog registered them: (exposed name,
  // plugin label). The registry keeps tools of earlier catalogs too; the page
  // shows the current catalog's.
  std::map<std::pair<std::string, std::string>, Metrics::ToolStats> tool_stats;
  for (auto& t : metrics.Tools()) tool_stats[{t.tool, t.plugin}] = t;

  auto catalog = st.snapshot();
  if (catalog) {
    std::map<const PluginInstance*, size_t> index;
    for (const auto& p : catalog->plugins()) {
      auto caps = p->capabilities();
      StatusPlugin sp;
      sp.name = p->descriptor().name ? p->descriptor().name : "";
      sp.id = p->descriptor().id ? p->descriptor().id : "";
      sp.version = p->descriptor().version ? p->descriptor().version : "";
      sp.alias = p->alias();
      sp.path = p->library().path();
      sp.abi_version = p->library().abi_version();
      sp.tools = caps->tools.size();
      sp.resources = caps->resources.size();
      sp.templates = caps->templates.size();
      sp.prompts = caps->prompts.size();
      sp.rejections = p->rejections();
      index[p.get()] = d.plugins.size();
      d.plugins.push_back(std::move(sp));
    }
    for (const auto& t : catalog->tools()) {
      StatusEntry e;
      e.name = t.exposed_name;
      e.plugin = t.plugin ? PluginLabel(*t.plugin) : kHostAlias;
      if (t.def) e.detail = t.def->title.empty() ? t.def->description : t.def->title;
      else e.detail = "(built into the host)";
      if (auto it = tool_stats.find({e.name, e.plugin}); it != tool_stats.end()) {
        e.calls = it->second.calls;
        e.errors = it->second.errors;
      }
      if (auto it = t.plugin ? index.find(t.plugin.get()) : index.end(); it != index.end()) {
        d.plugins[it->second].calls += e.calls;
        d.plugins[it->second].call_errors += e.errors;
      }
      d.tools.push_back(std::move(e));
    }
    for (const auto& r : catalog->resources()) {
      StatusEntry e;
      e.name = r.uri;
      e.plugin = r.plugin ? PluginLabel(*r.plugin) : kHostAlias;
      e.detail = r.mime_type;
      d.resources.push_back(std::move(e));
    }
    for (const auto& r : catalog->templates()) {
      StatusEntry e;
      e.name = r.def ? r.def->uri_template : "";
      e.plugin = r.plugin ? PluginLabel(*r.plugin) : kHostAlias;
      if (r.def) e.detail = r.def->mime_type;
      d.templates.push_back(std::move(e));
    }
    for (const auto& p : catalog->prompts()) {
      StatusEntry e;
      e.name = p.exposed_name;
      e.plugin = p.plugin ? PluginLabel(*p.plugin) : kHostAlias;
      if (p.def) e.detail = p.def->title.empty() ? p.def->description : p.def->title;
      d.prompts.push_back(std::move(e));
    }
  }
  for (auto& p : d.plugins)
    if (!p.rejections.empty() || p.call_errors > 0) p.health = "degraded";
  for (const auto& why : runtime.load_errors()) {
    StatusPlugin sp;
    sp.health = "failed";
    sp.detail = why;
    d.plugins.push_back(std::move(sp));
  }

  d.requests = metrics.Requests();
  for (const auto& r : d.requests) {
    d.requests_total += r.count;
    d.errors_total += r.errors;
  }
  d.requests_last_minute = metrics.RequestsInLast(kRateWindow);
  d.recent_errors = metrics.RecentErrors();
  return d;
}

std::string RenderStatusPage(const StatusData& d) {
  std::string o;
  o.reserve(16384);
  o += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<title>";
  o += HtmlEscape(d.server_name) + " status";
  o += "</title><style>";
  o += kStyle;
  o += "</style></head><body>\n<header><h1>";
  o += HtmlEscape(d.server_name);
  o += " <small>" + HtmlEscape(d.server_version) + "</small></h1><p>mcp-host status &middot; plugin ABI " +
       Num(d.abi_version) + " &middot; up " + HtmlEscape(Duration(d.uptime_seconds)) + " &middot; " +
       (d.draining ? "<strong>draining</strong>" : "serving") + " &middot; generated " +
       HtmlEscape(UtcTime(d.now_unix_ms)) + "</p></header>\n<main>\n";

  // Figures.
  double rate = static_cast<double>(d.requests_last_minute) / kRateWindow;
  double avg = d.uptime_seconds > 0 ? static_cast<double>(d.requests_total) / d.uptime_seconds : 0;
  auto figure = [&](std::string_view id, std::string_view label, const std::string& value) {
    o += "<div><dt>" + HtmlEscape(label) + "</dt><dd id=\"" + std::string(id) + "\">" + HtmlEscape(value) +
         "</dd></div>";
  };
  o += "<section id=\"overview\"><h2>Overview</h2><dl class=\"figures\">";
  figure("requests-total", "Requests answered", Num(d.requests_total));
  figure("errors-total", "Errors", Num(d.errors_total));
  figure("rate-minute", "Requests/s (last minute)", Fixed(rate, 2));
  figure("rate-average", "Requests/s (since start)", Fixed(avg, 2));
  figure("connections", "Open connections", std::to_string(d.connections));
  figure("sessions", "Legacy sessions", Num(d.sessions));
  figure("in-progress", "In progress", std::to_string(d.in_progress));
  o += "</dl></section>\n";

  // Plugins.
  o += "<section><h2>Plugins (" + Num(d.plugins.size()) + ")</h2>";
  {
    Table t(o, "plugins", {"Plugin", "Version", "Id", "Health", "ABI", "Tools", "Resources", "Templates", "Prompts",
                           "Tool calls", "Tool errors", "Library"});
    if (d.plugins.empty()) t.Empty(12, "No plugins loaded.");
    for (const auto& p : d.plugins) {
      if (p.health == "failed") {
        t.Row({"(not loaded)", "", "", Badge(p.health), "", "", "", "", "", "", "", p.detail}, "plugin failed");
        continue;
      }
      std::string name = p.alias.empty() || p.alias == p.name ? p.name : p.name + " as " + p.alias;
      std::string lib = p.path;
      for (const auto& r : p.rejections) lib += "\nrefused: " + r;
      t.Row({name, p.version, p.id, Badge(p.health), Num(p.abi_version), Num(p.tools), Num(p.resources),
             Num(p.templates), Num(p.prompts), Num(p.calls), Num(p.call_errors), lib},
            "plugin " + p.health);
    }
  }
  o += "</section>\n";

  // Catalog.
  o += "<section><h2>Catalog</h2><h3>Tools (" + Num(d.tools.size()) + ")</h3>";
  {
    Table t(o, "tools", {"Tool", "Plugin", "Title", "Calls", "Errors"});
    if (d.tools.empty()) t.Empty(5, "No tools.");
    for (const auto& e : d.tools) t.Row({e.name, e.plugin, e.detail, Num(e.calls), Num(e.errors)});
  }
  o += "<h3>Resources (" + Num(d.resources.size()) + ")</h3>";
  {
    Table t(o, "resources", {"URI", "Plugin", "MIME type"});
    if (d.resources.empty()) t.Empty(3, "No resources.");
    for (const auto& e : d.resources) t.Row({e.name, e.plugin, e.detail});
  }
  o += "<h3>Resource templates (" + Num(d.templates.size()) + ")</h3>";
  {
    Table t(o, "templates", {"URI template", "Plugin", "MIME type"});
    if (d.templates.empty()) t.Empty(3, "No resource templates.");
    for (const auto& e : d.templates) t.Row({e.name, e.plugin, e.detail});
  }
  o += "<h3>Prompts (" + Num(d.prompts.size()) + ")</h3>";
  {
    Table t(o, "prompts", {"Prompt", "Plugin", "Title"});
    if (d.prompts.empty()) t.Empty(3, "No prompts.");
    for (const auto& e : d.prompts) t.Row({e.name, e.plugin, e.detail});
  }
  o += "</section>\n";

  // Requests by method.
  o += "<section><h2>Requests by method</h2>";
  {
    Table t(o, "requests", {"Method", "Era", "Requests", "Errors", "Mean latency (ms)"});
    if (d.requests.empty()) t.Empty(5, "No requests yet.");
    for (const auto& r : d.requests)
      t.Row({std::string(r.method), EraName(r.era), Num(r.count), Num(r.errors),
             Fixed(r.count ? r.seconds_sum * 1000.0 / static_cast<double>(r.count) : 0, 3)});
  }
  o += "</section>\n";

  // Recent errors.
  o += "<section><h2>Recent errors (newest first, last " + Num(Metrics::kRecentErrors) + " kept)</h2>";
  {
    Table t(o, "errors", {"Time (UTC)", "Method", "Era", "Code", "Message"});
    if (d.recent_errors.empty()) t.Empty(5, "No errors.");
    for (const auto& e : d.recent_errors)
      t.Row({UtcTime(e.unix_ms), e.method, EraName(e.era), e.code ? std::to_string(e.code) : "", e.message});
  }
  o += "</section>\n</main></body></html>\n";
  return o;
}

}  // namespace mcph::http
