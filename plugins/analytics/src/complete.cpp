// complete.cpp - completion/complete for the prompts' and templates'
// arguments: data_id from the loaded datasets, column / target from the
// columns of the data_id already chosen (context). Case-insensitive prefix
// match, exact-case matches first; at most 100 values (the host's cap).
#include <algorithm>
#include <rapidjson/document.h>

#include "analytics_plugin.h"

namespace analytics {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

}  // namespace

void AnalyticsPlugin::Complete(std::string_view argument, std::string_view value, std::string_view context_json,
                               mcpp::Result& r) {
  std::vector<std::string> candidates;
  if (argument == "data_id") {
    for (const auto& ds : store_.List()) candidates.push_back(ds->data_id);
  } else if (argument == "column" || argument == "target") {
    rapidjson::Document ctx;
    ctx.Parse(context_json.data(), context_json.size());
    if (ctx.HasParseError() || !ctx.IsObject()) return;
    auto it = ctx.FindMember("data_id");
    if (it == ctx.MemberEnd() || !it->value.IsString()) return;  // nothing to complete from yet
    std::shared_ptr<const Dataset> ds;
    try {
      ds = store_.Get(it->value.GetString());
    } catch (const std::exception&) {
      return;  // unknown dataset: no suggestions
    }
    for (const auto& c : ds->frame->columns)
      if (argument == "column" || c.is_numeric()) candidates.push_back(c.name);
  } else {
    return;
  }
  std::vector<std::string> exact, loose;
  for (auto& c : candidates) {
    if (c.compare(0, value.size(), value) == 0)
      exact.push_back(std::move(c));
    else if (StartsWithNoCase(c, value))
      loose.push_back(std::move(c));
  }
  std::sort(exact.begin(), exact.end());
  std::sort(loose.begin(), loose.end());
  exact.insert(exact.end(), loose.begin(), loose.end());
  const size_t cap = 100;
  for (size_t i = 0; i < exact.size() && i < cap; ++i) r.add_completion(exact[i]);
  r.set_completion_info(static_cast<int64_t>(exact.size()), exact.size() > cap);
}

}  // namespace analytics
