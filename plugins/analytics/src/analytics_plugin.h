// analytics_plugin.h - the plugin class (exposed for in-process tests).
#pragma once

#include <chrono>
#include <climits>
#include <mcphost/mcp_plugin.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ops.h"
#include "store.h"

namespace analytics {

struct PluginSettings {
  StoreConfig store;
  OpLimits limits;
  size_t preview_rows = 100;
  double query_timeout_seconds = 30;  // query: stopped after this long (or the call's deadline)
  std::vector<std::string> warnings;
};

// The plugin's config (JSON object) as settings; throws mcpp::InvalidArgument.
PluginSettings ParseSettings(std::string_view config_json);

class AnalyticsPlugin : public mcpp::Plugin {
 public:
  explicit AnalyticsPlugin(const mcpp::InitParams& params);
  void register_capabilities(mcpp::Registrar& reg) override;

 private:
  void LoadData(mcpp::Call& call, std::string_view args, mcpp::Result& r);
  void AnalyzeData(mcpp::Call& call, std::string_view args, mcpp::Result& r);
  void Prompt(const std::string& kind, std::string_view args, mcpp::Result& r);
  // query_tool.cpp, plot_tool.cpp, complete.cpp
  void Query(mcpp::Call& call, std::string_view args, mcpp::Result& r);
  void Plot(mcpp::Call& call, std::string_view args, mcpp::Result& r);
  // completion/complete for `argument` of a prompt or template: data_id
  // (loaded names), column / target (columns of the data_id in context;
  // numeric ones for target), prefix match without case, best first.
  void Complete(std::string_view argument, std::string_view value, std::string_view context_json, mcpp::Result& r);
  std::shared_ptr<const Dataset> Resolve(std::string_view vars_json);
  std::string DatasetsJson();
  std::string StatusJson();

  PluginSettings settings_;
  Store store_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace analytics
