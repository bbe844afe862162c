// main.cpp - the mcp-host command line.
//
//   mcp-host [--config FILE] [--transport stdio|http] [--listen HOST:PORT] [--strict]
//   mcp-host check-config FILE      validate a config (and load its plugins) without serving
//   mcp-host inspect PLUGIN.so      print a plugin's descriptor and capabilities as JSON
//
// This is the boundary where errors become exit codes and messages on
// stderr; stdout belongs to the protocol (or to inspect's JSON).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "config/config_loader.h"
#include "plugins/plugin_loader.h"
#include "runtime/host_runtime.h"
#include "transport/http/http_server.h"
#include "transport/stdio_transport.h"
#include "util/allocator_tuning.h"
#include "util/json.h"

#include <rapidjson/prettywriter.h>

namespace {

using mcph::HostConfig;

// The default config: the installed one next to the binary, else built-in defaults.
mcph::Result<HostConfig> LoadDefaultConfig() {
  try {
    std::filesystem::path exe = boost::dll::program_location().string();
    std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "mcphost" / "mcphost.yaml";
    std::error_code ec;
    if (std::filesystem::is_regular_file(installed, ec)) return mcph::LoadConfigFile(installed.string());
  } catch (const std::exception&) {
  }
  return HostConfig{};
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("mcphost");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

int Inspect(const std::string& path) {
  auto lib = mcph::PluginLibrary::Open(path);
  if (!lib.ok()) {
    std::cerr << "error: " << lib.error() << "\n";
    return 1;
  }
  mcph::PluginConfig pc;
  pc.resolved_path = path;
  pc.has_alias = true;  // unprefixed: show the plugin's own names
  auto unprefixed = mcph::PluginInstance::Create(lib.value(), pc, nullptr);
  if (!unprefixed.ok()) {
    std::cerr << "error: " << unprefixed.error() << "\n";
    return 1;
  }
  if (mcph::Status s = unprefixed.value()->Register(); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 1;
  }
  mcph::Catalog::Options opts;
  opts.host_capabilities = false;
  auto catalog = mcph::Catalog::Build({unprefixed.value()}, opts);
  if (!catalog.ok()) {
    std::cerr << "error: " << catalog.error() << "\n";
    return 1;
  }
  const mcpp_plugin& d = lib.value()->descriptor();
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("path");
  w.String(path.c_str());
  w.Key("abiVersion");
  w.Uint(lib.value()->abi_version());
  w.Key("id");
  w.String(d.id);
  w.Key("name");
  w.String(d.name);
  w.Key("version");
  w.String(d.version);
  w.Key("description");
  w.String(d.description ? d.description : "");
  w.Key("flags");
  w.Uint(d.flags);
  w.Key("instructions");
  w.String(unprefixed.value()->capabilities()->instructions.c_str());
  w.Key("rejected");
  w.StartArray();
  for (const std::string& r : unprefixed.value()->rejections()) w.String(r.c_str());
  w.EndArray();
  w.Key("catalog");
  w.RawValue(catalog.value()->capabilities_json().data(), catalog.value()->capabilities_json().size(),
             rapidjson::kObjectType);
  w.EndObject();
  // PrettyWriter cannot indent raw values; reparse for a readable print.
  rapidjson::Document doc;
  doc.Parse(buf.GetString(), buf.GetSize());
  rapidjson::StringBuffer pretty;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> pw(pretty);
  pw.SetIndent(' ', 2);
  doc.Accept(pw);
  std::cout << pretty.GetString() << "\n";
  return 0;
}

int CheckConfig(const std::string& path) {
  auto config = mcph::LoadConfigFile(path);
  if (!config.ok()) {
    std::cerr << config.error() << "\n";
    return 1;
  }
  auto runtime = mcph::HostRuntime::Start(config.value(), /*strict=*/true);
  if (!runtime.ok()) {
    std::cerr << runtime.error() << "\n";
    return 1;
  }
  auto catalog = runtime.value()->state().snapshot();
  std::cout << path << ": OK (" << catalog->plugins().size() << " plugins, " << catalog->tools().size()
            << " tools, " << catalog->resources().size() << " resources, " << catalog->templates().size()
            << " resource templates, " << catalog->prompts().size() << " prompts)\n";
  return 0;
}

// Streamable HTTP until SIGTERM/SIGINT, then a graceful drain; exit 0.
int ServeHttp(mcph::HostRuntime& runtime, const HostConfig& config) {
  auto server = mcph::http::HttpServer::Create(runtime, config.server.http,
                                               static_cast<size_t>(config.server.max_message_bytes));
  if (!server.ok()) {
    spdlog::critical("{}", server.error());
    return 1;
  }
  auto catalog = runtime.state().snapshot();
  spdlog::info("mcphost {} serving {} tools, {} resources, {} prompts over HTTP", MCPHOST_VERSION,
               catalog->tools().size(), catalog->resources().size(), catalog->prompts().size());
  // One fixed line, whatever the log level: scripts and tests read the port from it.
  std::fprintf(stderr, "mcp-host: listening on http://%s%s\n", server.value()->bound().c_str(),
               config.server.http.path.c_str());
  std::fflush(stderr);
  server.value()->Run(/*handle_signals=*/true);
  int64_t left = server.value()->unfinished();
  spdlog::info("http: stopped");
  if (left > 0) {
    spdlog::warn("{} requests still running after the drain; exiting without waiting", left);
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
  return 0;
}

int Serve(HostConfig config, bool strict) {
  auto runtime = mcph::HostRuntime::Start(config, strict);
  if (!runtime.ok()) {
    spdlog::critical("{}", runtime.error());
    return 1;
  }
  auto catalog = runtime.value()->state().snapshot();
  // SIGHUP (and, with server.watch_config, a change of the file) reloads the plugins.
  if (!config.source_path.empty()) runtime.value()->EnableReload(config.source_path, config.server.watch_config);
  if (config.server.transport == "http") return ServeHttp(*runtime.value(), config);
  spdlog::info("mcphost {} serving {} tools, {} resources, {} prompts over stdio", MCPHOST_VERSION,
               catalog->tools().size(), catalog->resources().size(), catalog->prompts().size());
  mcph::StdioTransport transport(runtime.value()->dispatcher(), STDIN_FILENO, STDOUT_FILENO,
                                 static_cast<size_t>(config.server.max_message_bytes));
  runtime.value()->AddConnection(transport.connection());
  auto conn = transport.Run();
  // Listen streams never end by themselves: end them gracefully now.
  runtime.value()->EndListens();

  // End of input: the client will send nothing more. Let calls in flight
  // finish and answer (stdout may still be read) for a short grace period,
  // then cancel what still runs, and do not wait forever on a handler that
  // never returns.
  auto wait_idle = [&](int ms) {
    for (int i = 0; i < ms / 10 && conn->InFlightCount() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return conn->InFlightCount() == 0;
  };
  if (!wait_idle(2000)) {
    conn->CancelAll();
    if (!wait_idle(1000)) {
      spdlog::warn("{} calls still running after end of input; exiting without waiting", conn->InFlightCount());
      spdlog::default_logger()->flush();
      std::_Exit(0);
    }
  }
  // A reader thread may still be inside a step whose deadline answered for
  // it: such a step must not outlive the runtime it uses.
  if (!transport.Stop(1000)) {
    spdlog::warn("a plugin call is still running after end of input; exiting without waiting");
    spdlog::default_logger()->flush();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  mcph::TuneAllocatorForLargeMessages();
  CLI::App app{"mcp-host: an MCP server that hosts C-ABI plugins"};
  app.set_version_flag("--version", std::string("mcp-host ") + MCPHOST_VERSION + " (plugin ABI " +
                                        std::to_string(MCPP_ABI_VERSION) + ")");
  std::string config_path, transport, listen, log_level;
  bool strict = false;
  app.add_option("-c,--config", config_path, "YAML config file (default: the installed mcphost.yaml)")
      ->check(CLI::ExistingFile);
  app.add_option("-t,--transport", transport, "Override server.transport")->check(CLI::IsMember({"stdio", "http"}));
  app.add_option("-l,--listen", listen, "Override server.http.listen (HOST:PORT)");
  app.add_option("--log-level", log_level, "Override server.log_level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("--strict", strict, "Fail start-up when any plugin fails to load");

  std::string check_path, inspect_path;
  CLI::App* check = app.add_subcommand("check-config", "Validate a config file and its plugins, then exit");
  check->add_option("file", check_path, "The YAML config")->required();
  CLI::App* inspect = app.add_subcommand("inspect", "Print a plugin's descriptor and capabilities as JSON");
  inspect->add_option("plugin", inspect_path, "The plugin's shared library")->required();
  app.require_subcommand(0, 1);

  CLI11_PARSE(app, argc, argv);

  if (*inspect) {
    SetUpLogging(log_level.empty() ? "warn" : log_level);
    return Inspect(inspect_path);
  }
  if (*check) {
    SetUpLogging(log_level.empty() ? "warn" : log_level);
    return CheckConfig(check_path);
  }

  auto config = config_path.empty() ? LoadDefaultConfig() : mcph::LoadConfigFile(config_path);
  SetUpLogging(log_level.empty() ? (config.ok() ? config->server.log_level : "info") : log_level);
  if (!config.ok()) {
    spdlog::critical("{}", config.error());
    return 1;
  }
  if (!transport.empty()) config->server.transport = transport;
  if (!listen.empty()) config->server.http.listen = listen;
  return Serve(config.value(), strict);
}
