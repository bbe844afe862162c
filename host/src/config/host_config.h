// host_config.h - the validated, typed form of the host's YAML config.
//
// Produced only by config_loader (nothing else reads YAML). Plain data:
// copyable, no behaviour, safe to share read-only between threads.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mcph {

struct ToolFilter {
  std::vector<std::string> allow;  // glob patterns (* and ?); empty = all
  std::vector<std::string> deny;   // glob patterns; applied after allow
};

// plugins[].isolation: process, and its `process:` block. Limits of 0 mean
// none. See docs/configuration.md ("Process isolation").
struct ProcessIsolation {
  bool enabled = false;                // isolation: process (default in_process)
  uint64_t address_space_mb = 0;       // RLIMIT_AS of the runner
  uint64_t cpu_seconds = 0;            // RLIMIT_CPU (SIGXCPU, then SIGKILL)
  uint64_t open_files = 0;             // RLIMIT_NOFILE
  int64_t restart_initial_ms = 200;    // first restart delay; doubles per failed start
  int64_t restart_max_ms = 30000;      // ... up to this
  int64_t kill_hung_after_ms = 5000;   // a call this long past its deadline gets the runner killed; 0 = never
  bool operator==(const ProcessIsolation&) const = default;
};

struct PluginConfig {
  std::string name;         // `name:` (looked up in plugin_dirs) ...
  std::string path;         // ... or `path:` (absolute, resolved against the config file's folder)
  std::string resolved_path;  // the file to load, after lookup (set by the loader)
  bool has_alias = false;   // `alias:` given (it may be "")
  std::string alias;        // exposed-name prefix; "" = unprefixed
  bool enabled = true;
  std::string config_json = "{}";  // `config:` subtree as JSON, ${ENV} expanded
  ToolFilter tools;
  // Tools (globs over the plugin's own names) that may run as tasks, on top
  // of those the plugin marks (execution.taskSupport): long-running tools.
  std::vector<std::string> task_tools;
  int64_t timeout_ms = 30000;     // per-call deadline; 0 = none
  // Per-tool deadlines: (glob over the plugin's own tool names, ms); the first
  // match wins over timeout_ms.
  std::vector<std::pair<std::string, int64_t>> tool_timeouts;
  // Handler calls of this plugin running at once; 0 = the default (all
  // workers but one). Further calls wait in a queue, not on a worker.
  int max_concurrency = 0;
  double log_rate = 50;           // log lines per second (host log + client), bursts of 4x; 0 = unlimited
  ProcessIsolation isolation;     // `isolation:` and `process:`
  int line = 0;                   // where the entry starts in the YAML (1-based)
};

// Bearer-token auth for the MCP endpoint: tokens come from a file (one per
// line; blank lines and lines starting with # are skipped) and/or an
// environment variable, never from the YAML itself. Neither set = no auth.
struct HttpAuthConfig {
  std::string token_file;  // absolute (resolved against the config file's folder)
  std::string token_env;   // an environment variable's name
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8080";
  std::string path = "/mcp";
  // DNS-rebinding protection. Entries are "host" (any port) or "host:port";
  // origins "scheme://host" (any port) or "scheme://host:port". Empty lists
  // mean: the loopback names (localhost, 127.0.0.1, [::1]) when bound to a
  // loopback address, no check otherwise.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> cors_origins;  // browser origins answered with CORS headers (also allowed origins)
  HttpAuthConfig auth;
  int64_t session_idle_seconds = 600;     // legacy sessions unused this long are ended
  int64_t max_sessions = 1000;            // legacy sessions at once (the least recently used idle one makes room)
  bool legacy_stateless = false;          // legacy requests without sessions (no Mcp-Session-Id)
  int64_t max_session_requests = 64;      // concurrent requests per legacy session
  int64_t header_timeout_ms = 10000;      // to receive a request's headers once it started
  int64_t body_timeout_ms = 30000;        // to receive its body
  int64_t idle_timeout_ms = 60000;        // a keep-alive connection with no request is closed
  int64_t max_header_bytes = 16384;
  int64_t shutdown_grace_ms = 10000;      // SIGTERM: how long in-flight calls may finish
  int threads = 0;                        // I/O threads (one io_context each); 0 = one per core
  bool status_page = false;               // GET / serves the operator status page (HTML)
};

struct ServerConfig {
  std::string name = "mcphost";
  std::string transport = "stdio";       // stdio | http
  HttpConfig http;
  std::string name_separator = "__";
  int max_name_length = 64;
  int64_t max_message_bytes = 4 * 1024 * 1024;
  int page_size = 100;                   // items per list page
  int workers = 0;                       // tool worker threads; 0 = hardware threads
  bool resource_tools = true;            // mirror static resources as a tool
  std::string instructions;              // prepended to the plugins' instructions
  std::string log_level = "info";        // host log (stderr): trace..critical, off
  // MRTR requestState sealing key (HMAC-SHA256), read from request_state.key_file
  // or request_state.key_env by the loader; "" = a random key per process.
  std::string request_state_key;
  int64_t request_state_ttl_ms = 600000; // how long a sealed requestState stays valid
  int64_t input_timeout_ms = 300000;     // legacy: how long the host waits for a client's answer
  int64_t max_result_bytes = 64 * 1024 * 1024;  // a plugin result larger than this is refused
  bool watch_config = false;             // reload when the config file changes (SIGHUP always reloads)
  int64_t max_in_flight = 256;           // requests running at once per stdio pipe / legacy session / POST
};

struct HostConfig {
  std::string source_path;               // the YAML file it came from ("" = built-in)
  ServerConfig server;
  std::vector<std::string> plugin_dirs;  // absolute; looked up in order
  std::vector<PluginConfig> plugins;
};

}  // namespace mcph
