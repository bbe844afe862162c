/*
 * mcp_plugin.hpp - an optional, header-only C++17 helper over mcp_plugin.h.
 *
 * The ABI stays pure C; this header only wraps it. A plugin written with it:
 *
 *   class Calc : public mcpp::Plugin {
 *    public:
 *     explicit Calc(const mcpp::InitParams& params) { ... }  // a throw fails create()
 *     void register_capabilities(mcpp::Registrar& reg) override {
 *       reg.add_tool("add", "Adds two numbers", R"({"type":"object",...})",
 *                    [](mcpp::Call& call, std::string_view args_json, mcpp::Result& result) {
 *                      result.add_text("...");             // or throw mcpp::InvalidArgument("...")
 *                    });
 *     }
 *   };
 *   MCPP_DEFINE_PLUGIN(Calc, "dev.example.calc", "calc", "1.0.0", "A calculator")
 *
 * Conventions (on top of those in mcp_plugin.h):
 *  1. Exceptions. Every function this header hands to the host is noexcept and
 *     catches everything: mcpp::Error (and its subclasses InvalidArgument,
 *     NotFound, Cancelled) returns its status, any other std::exception
 *     returns MCPP_ERR_INTERNAL, anything else MCPP_ERR_INTERNAL with
 *     "unknown C++ exception". The text goes to call->set_error_message in
 *     handlers, and to host->log for create()/register_capabilities().
 *     Inside a plugin, throwing is therefore the normal way to fail.
 *  2. Handlers return void (success is MCPP_OK) or an int32_t status. They
 *     run on host worker threads, possibly concurrently, so they are invoked
 *     as const: keep shared state thread-safe (or set MCPP_TOOL_SERIAL /
 *     MCPP_PLUGIN_SERIAL).
 *  3. Ownership. Wrappers (Host, Call, Result, Registrar, InitParams) borrow
 *     the host's struct for as long as the C rules allow (see each class);
 *     string_views they return point into host memory with the same life, so
 *     copy what you keep. Everything handed to the host is copied by it
 *     before the call returns, so temporary std::strings are fine.
 *  4. Versions. Every read of a host-filled struct checks struct_size first
 *     (as MCPP_HAS_FIELD does); a slot the host lacks throws
 *     Error(MCPP_ERR_UNSUPPORTED) for Result and is a no-op for Call/Host
 *     services. Build plugins with -fvisibility=hidden so two plugins built
 *     from different versions of this header never share its inline code.
 */
#ifndef MCPHOST_MCP_PLUGIN_HPP
#define MCPHOST_MCP_PLUGIN_HPP

#include <mcphost/mcp_plugin.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/* MCPP_HAS_FIELD's test, without its C-style null-pointer cast (which trips
 * -Wold-style-cast / -Wzero-as-null-pointer-constant in C++ plugins).
 * MCPP_HPP_HAS_FIELD also requires a non-NULL struct, MCPP_HPP_HAS_SLOT a
 * non-NULL slot as well. All three are #undef'd at the end of this header. */
#define MCPP_HPP_HAS(p, T, field) ((p)->struct_size >= offsetof(T, field) + sizeof(T::field))
#define MCPP_HPP_HAS_FIELD(p, T, field) ((p) != nullptr && MCPP_HPP_HAS(p, T, field))
#define MCPP_HPP_HAS_SLOT(p, T, field) (MCPP_HPP_HAS_FIELD(p, T, field) && (p)->field != nullptr)

namespace mcpp {

/* ---- Strings ------------------------------------------------------------ */

/** A payload for the host (no copy; valid while `s` is). */
inline mcpp_str str(std::string_view s) noexcept { return mcpp_str{s.data(), s.size()}; }
/** A host payload as a view ("" for a NULL/empty one). */
inline std::string_view view(mcpp_str s) noexcept {
  return s.data != nullptr ? std::string_view(s.data, s.size) : std::string_view();
}
/** A host C string as a view ("" for NULL). */
inline std::string_view view(const char* s) noexcept {
  return s != nullptr ? std::string_view(s) : std::string_view();
}

/** A NUL-terminated string argument: a const char* (NULL allowed, meaning
 *  "absent"), a std::string (borrowed) or a std::string_view (copied, since
 *  a view need not end in NUL). Only ever a by-value parameter: it is not
 *  copyable, so it cannot outlive the call it was made for. */
class CStr {
 public:
  CStr(const char* s) noexcept : p_(s) {}                    // NOLINT: implicit by design
  CStr(const std::string& s) noexcept : p_(s.c_str()) {}     // NOLINT
  CStr(std::string_view s) : copy_(s), p_(copy_.c_str()) {}  // NOLINT
  CStr(const CStr&) = delete;
  CStr& operator=(const CStr&) = delete;
  const char* get() const noexcept { return p_; }

 private:
  std::string copy_;  // declared before p_: initialised first
  const char* p_;
};

/* ---- Errors ------------------------------------------------------------- */

/** A failure with the status the trampoline returns (MCPP_ERR_INTERNAL when
 *  none or MCPP_OK is given). Result's methods throw it with the host's
 *  status when the host refuses something. */
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : Error(MCPP_ERR_INTERNAL, message) {}
  Error(int32_t status, const std::string& message)
      : std::runtime_error(message), status_(status == MCPP_OK ? MCPP_ERR_INTERNAL : status) {}
  int32_t status() const noexcept { return status_; }

 private:
  int32_t status_;
};

/** Bad input: the host turns it into an isError tool result (or -32602). */
class InvalidArgument : public Error {
 public:
  explicit InvalidArgument(const std::string& message)
      : Error(MCPP_ERR_INVALID_ARGUMENT, message) {}
};

/** The resource (or other named thing) does not exist. */
class NotFound : public Error {
 public:
  explicit NotFound(const std::string& message) : Error(MCPP_ERR_NOT_FOUND, message) {}
};

/** The handler saw Call::is_cancelled() and stopped. */
class Cancelled : public Error {
 public:
  explicit Cancelled(const std::string& message = "cancelled")
      : Error(MCPP_ERR_CANCELLED, message) {}
};

/* ---- Host services ------------------------------------------------------ */

/** The host's services. Valid from create() until destroy() returns; every
 *  method is [thread-safe] and a no-op (or empty) when the slot is missing. */
class Host {
 public:
  Host() noexcept = default;
  explicit Host(const mcpp_host* host) noexcept : h_(host) {}

  const mcpp_host* raw() const noexcept { return h_; }
  uint32_t abi_version() const noexcept {
    return MCPP_HPP_HAS_FIELD(h_, mcpp_host, abi_version) ? h_->abi_version : 0u;
  }
  std::string_view name() const noexcept {
    return MCPP_HPP_HAS_FIELD(h_, mcpp_host, host_name) ? view(h_->host_name) : "";
  }
  std::string_view version() const noexcept {
    return MCPP_HPP_HAS_FIELD(h_, mcpp_host, host_version) ? view(h_->host_version) : "";
  }
  /** A line in the host log (MCPP_LOG_* level). */
  void log(int32_t level, std::string_view message) const noexcept {
    if (MCPP_HPP_HAS_SLOT(h_, mcpp_host, log)) h_->log(h_, level, str(message));
  }
  /** MCPP_CHANGED_* bits; the host calls register_capabilities() again later. */
  void notify_list_changed(uint32_t what) const noexcept {
    if (MCPP_HPP_HAS_SLOT(h_, mcpp_host, notify_list_changed)) h_->notify_list_changed(h_, what);
  }
  void notify_resource_updated(CStr uri) const noexcept {
    if (MCPP_HPP_HAS_SLOT(h_, mcpp_host, notify_resource_updated))
      h_->notify_resource_updated(h_, uri.get());
  }
  /** A host extension by id, or nullptr. */
  const void* get_extension(CStr id) const noexcept {
    return MCPP_HPP_HAS_SLOT(h_, mcpp_host, get_extension) ? h_->get_extension(h_, id.get())
                                                           : nullptr;
  }

 private:
  const mcpp_host* h_ = nullptr;
};

/** What create() received. Borrowed: valid only inside the constructor. */
class InitParams {
 public:
  InitParams(const mcpp_host* host, const mcpp_init_params* params) noexcept
      : host_(host), p_(params) {}

  const mcpp_init_params* raw() const noexcept { return p_; }
  Host host() const noexcept { return host_; }
  /** The plugin's config as a JSON object ("{}" when none). */
  std::string_view config_json() const noexcept {
    std::string_view v;
    if (MCPP_HPP_HAS_FIELD(p_, mcpp_init_params, config_json)) v = view(p_->config_json);
    return v.empty() ? std::string_view("{}") : v;
  }
  std::string_view alias() const noexcept {
    return MCPP_HPP_HAS_FIELD(p_, mcpp_init_params, alias) ? view(p_->alias) : "";
  }
  std::string_view plugin_path() const noexcept {
    return MCPP_HPP_HAS_FIELD(p_, mcpp_init_params, plugin_path) ? view(p_->plugin_path) : "";
  }

 private:
  Host host_;
  const mcpp_init_params* p_;
};

/* ---- Per-call context --------------------------------------------------- */

/** The request a handler serves. Valid until the handler returns; its
 *  services may be called from any thread meanwhile (never after). */
class Call {
 public:
  explicit Call(const mcpp_call* call) noexcept : c_(call) {}

  const mcpp_call* raw() const noexcept { return c_; }
  Host host() const noexcept {
    return Host(MCPP_HPP_HAS_FIELD(c_, mcpp_call, host) ? c_->host : nullptr);
  }
  std::string_view protocol_version() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, protocol_version) ? view(c_->protocol_version) : "";
  }
  std::string_view client_name() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, client_name) ? view(c_->client_name) : "";
  }
  /** The client's capabilities object ("{}" when none). */
  std::string_view client_capabilities_json() const noexcept {
    std::string_view v;
    if (MCPP_HPP_HAS_FIELD(c_, mcpp_call, client_capabilities_json))
      v = view(c_->client_capabilities_json);
    return v.empty() ? std::string_view("{}") : v;
  }
  /** A JSON array of roots, or "" when the client shared none. */
  std::string_view roots_json() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, roots_json) ? view(c_->roots_json) : "";
  }
  /** On a repeated call: {key: answer}; "" on a first call. */
  std::string_view input_responses_json() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, input_responses_json) ? view(c_->input_responses_json)
                                                                   : "";
  }
  /** On a repeated call: what set_request_state stored; "" on a first call. */
  std::string_view request_state() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, request_state) ? view(c_->request_state) : "";
  }
  /** Milliseconds since the epoch, or 0 for no deadline. */
  int64_t deadline_unix_ms() const noexcept {
    return MCPP_HPP_HAS_FIELD(c_, mcpp_call, deadline_unix_ms) ? c_->deadline_unix_ms : 0;
  }
  /** True once the client cancelled or the deadline passed. Poll it in long
   *  handlers and then return MCPP_ERR_CANCELLED (or throw Cancelled). */
  bool is_cancelled() const noexcept {
    return MCPP_HPP_HAS_SLOT(c_, mcpp_call, is_cancelled) && c_->is_cancelled(c_) != 0;
  }
  /** total < 0: unknown. Progress must increase. */
  void progress(double progress, double total = -1.0, CStr message = nullptr) const noexcept {
    if (MCPP_HPP_HAS_SLOT(c_, mcpp_call, progress))
      c_->progress(c_, progress, total, message.get());
  }
  /** A line for the client (notifications/message) and the host log. */
  void log(int32_t level, std::string_view message, CStr logger = nullptr) const noexcept {
    if (MCPP_HPP_HAS_SLOT(c_, mcpp_call, log)) c_->log(c_, level, logger.get(), str(message));
  }
  /** Explains a failing status; the last call wins. */
  void set_error_message(std::string_view message) const noexcept {
    if (MCPP_HPP_HAS_SLOT(c_, mcpp_call, set_error_message))
      c_->set_error_message(c_, str(message));
  }

 private:
  const mcpp_call* c_;
};

/* ---- Result builder ----------------------------------------------------- */

/** Where a handler writes its answer: one method per mcpp_result slot (see
 *  mcp_plugin.h for which apply to tools, prompts and resources). Each
 *  throws Error(status) when the host returns a non-OK status, and
 *  Error(MCPP_ERR_UNSUPPORTED) when this host lacks the slot. Valid until
 *  the handler returns; use it only from the handler's thread. */
class Result {
 public:
  explicit Result(const mcpp_result* result) noexcept : r_(result) {}
  const mcpp_result* raw() const noexcept { return r_; }

  void add_text(std::string_view text) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_text), "add_text");
    ok(r_->add_text(r_, str(text)), "add_text");
  }
  void add_image(CStr mime_type, const void* data, size_t size) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_image), "add_image");
    ok(r_->add_image(r_, mime_type.get(), bytes(data, size)), "add_image");
  }
  void add_audio(CStr mime_type, const void* data, size_t size) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_audio), "add_audio");
    ok(r_->add_audio(r_, mime_type.get(), bytes(data, size)), "add_audio");
  }
  void add_resource_link(CStr uri, CStr name, CStr mime_type = nullptr,
                         CStr description = nullptr) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_resource_link), "add_resource_link");
    ok(r_->add_resource_link(r_, uri.get(), name.get(), mime_type.get(), description.get()),
       "add_resource_link");
  }
  void add_embedded_text(CStr uri, CStr mime_type, std::string_view text) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_embedded_text), "add_embedded_text");
    ok(r_->add_embedded_text(r_, uri.get(), mime_type.get(), str(text)), "add_embedded_text");
  }
  void add_embedded_blob(CStr uri, CStr mime_type, const void* data, size_t size) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_embedded_blob), "add_embedded_blob");
    ok(r_->add_embedded_blob(r_, uri.get(), mime_type.get(), bytes(data, size)),
       "add_embedded_blob");
  }
  void add_content_json(std::string_view block_json) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_content_json), "add_content_json");
    ok(r_->add_content_json(r_, str(block_json)), "add_content_json");
  }
  /** Tool only: structuredContent (checked by the host against outputSchema). */
  void set_structured_json(std::string_view json) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_structured_json), "set_structured_json");
    ok(r_->set_structured_json(r_, str(json)), "set_structured_json");
  }
  /** Tool only: isError. */
  void set_is_error(bool is_error = true) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_is_error), "set_is_error");
    ok(r_->set_is_error(r_, is_error ? uint8_t{1} : uint8_t{0}), "set_is_error");
  }
  /** Prompt only: MCPP_ROLE_* for the following content blocks. */
  void set_role(int32_t role) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_role), "set_role");
    ok(r_->set_role(r_, role), "set_role");
  }
  void set_description(std::string_view description) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_description), "set_description");
    ok(r_->set_description(r_, str(description)), "set_description");
  }
  /** Resource only; uri nullptr means the uri read. */
  void add_text_contents(CStr uri, CStr mime_type, std::string_view text) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_text_contents), "add_text_contents");
    ok(r_->add_text_contents(r_, uri.get(), mime_type.get(), str(text)), "add_text_contents");
  }
  void add_blob_contents(CStr uri, CStr mime_type, const void* data, size_t size) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_blob_contents), "add_blob_contents");
    ok(r_->add_blob_contents(r_, uri.get(), mime_type.get(), bytes(data, size)),
       "add_blob_contents");
  }
  void set_meta_json(std::string_view json) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_meta_json), "set_meta_json");
    ok(r_->set_meta_json(r_, str(json)), "set_meta_json");
  }
  /** Ask the client for input; the handler is called again with the answers. */
  void require_input(CStr key, CStr method, std::string_view params_json) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, require_input), "require_input");
    ok(r_->require_input(r_, key.get(), method.get(), str(params_json)), "require_input");
  }
  void set_request_state(std::string_view state) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_request_state), "set_request_state");
    ok(r_->set_request_state(r_, str(state)), "set_request_state");
  }
  /** Completers only: one suggestion, best first. */
  void add_completion(std::string_view value) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, add_completion), "add_completion");
    ok(r_->add_completion(r_, str(value)), "add_completion");
  }
  /** Completers only: the number of matches in all (-1 unknown), and whether
   *  more exist than were added. */
  void set_completion_info(int64_t total, bool has_more) const {
    require(MCPP_HPP_HAS_SLOT(r_, mcpp_result, set_completion_info), "set_completion_info");
    ok(r_->set_completion_info(r_, total, has_more ? 1 : 0), "set_completion_info");
  }

 private:
  static mcpp_bytes bytes(const void* data, size_t size) noexcept {
    return mcpp_bytes{static_cast<const uint8_t*>(data), size};
  }
  static void require(bool present, const char* slot) {
    if (!present)
      throw Error(MCPP_ERR_UNSUPPORTED, std::string("this host has no mcpp_result.") + slot);
  }
  static void ok(int32_t status, const char* slot) {
    if (status == MCPP_OK) return;
    const char* why = status == MCPP_ERR_INVALID_JSON  ? "the JSON did not parse or fit"
                      : status == MCPP_ERR_TOO_LARGE   ? "the result is over the host's size limit"
                      : status == MCPP_ERR_UNSUPPORTED ? "not valid for this kind of handler"
                                                       : "refused by the host";
    throw Error(status, std::string("mcpp_result.") + slot + ": " + why);
  }
  const mcpp_result* r_;
};

/* ---- Registration ------------------------------------------------------- */

/** The callable types handlers are stored as (void handlers are adapted). */
using ToolFn = std::function<int32_t(Call&, std::string_view arguments_json, Result&)>;
using PromptFn = std::function<int32_t(Call&, std::string_view arguments_json, Result&)>;
using ResourceFn =
    std::function<int32_t(Call&, std::string_view uri, std::string_view variables_json, Result&)>;
/** A completer: (call, argument name, value typed so far, other arguments as
 *  a JSON object, result) -> suggestions through result.add_completion(). */
using CompleteFn = std::function<int32_t(Call&, std::string_view argument, std::string_view value,
                                         std::string_view context_json, Result&)>;

namespace detail {

/* Writes e.what() (or a fixed text) through set_error_message, and picks the
 * status. Called only inside catch blocks: allocates nothing. */
inline int32_t fail(const mcpp_call* call, std::string_view message, int32_t status) noexcept {
  Call(call).set_error_message(message);
  return status;
}

/* Runs a handler; nothing thrown gets past it (convention 1). */
template <class F>
int32_t guarded(const mcpp_call* call, F&& body) noexcept {
  try {
    return body();
  } catch (const Error& e) {
    return fail(call, e.what(), e.status());
  } catch (const std::exception& e) {
    return fail(call, e.what(), MCPP_ERR_INTERNAL);
  } catch (...) {
    return fail(call, "unknown C++ exception", MCPP_ERR_INTERNAL);
  }
}

/* Logs "<what> failed: <why>" through the host without allocating. */
inline void log_failure(const Host& host, const char* what, const char* why) noexcept {
  char line[512];
  int n = std::snprintf(line, sizeof line, "%s failed: %s", what, why);
  if (n < 0) return;
  size_t len = static_cast<size_t>(n) < sizeof line ? static_cast<size_t>(n) : sizeof line - 1;
  host.log(MCPP_LOG_ERROR, std::string_view(line, len));
}

/* Runs a lifecycle function; failures are logged and become a status. */
template <class F>
int32_t guarded_lifecycle(const Host& host, const char* what, F&& body) noexcept {
  try {
    body();
    return MCPP_OK;
  } catch (const Error& e) {
    log_failure(host, what, e.what());
    return e.status();
  } catch (const std::exception& e) {
    log_failure(host, what, e.what());
    return MCPP_ERR_INTERNAL;
  } catch (...) {
    log_failure(host, what, "unknown C++ exception");
    return MCPP_ERR_INTERNAL;
  }
}

/* A std::function<int32_t(A...)> from a callable returning void or a status. */
template <class... A, class F>
std::function<int32_t(A...)> adapt(F&& f) {
  using Fn = std::decay_t<F>;
  using R = std::invoke_result_t<const Fn&, A...>;
  if constexpr (std::is_void_v<R>) {
    return [g = Fn(std::forward<F>(f))](A... a) -> int32_t {
      g(std::forward<A>(a)...);
      return MCPP_OK;
    };
  } else {
    static_assert(std::is_convertible_v<R, int32_t>, "a handler returns void or an int32_t status");
    return [g = Fn(std::forward<F>(f))](A... a) -> int32_t {
      return static_cast<int32_t>(g(std::forward<A>(a)...));
    };
  }
}

struct HandlerBase {
  virtual ~HandlerBase() = default;
};
struct ToolHandler final : HandlerBase {
  explicit ToolHandler(ToolFn f) : fn(std::move(f)) {}
  ToolFn fn;
  static int32_t MCPP_CALL call(void* user_data, const mcpp_call* call, mcpp_str args,
                                const mcpp_result* result) noexcept {
    return guarded(call, [&] {
      Call c(call);
      Result r(result);
      return static_cast<const ToolHandler*>(user_data)->fn(c, view(args), r);
    });
  }
};
struct PromptHandler final : HandlerBase {
  explicit PromptHandler(PromptFn f, CompleteFn c = {}) : fn(std::move(f)), completer(std::move(c)) {}
  PromptFn fn;
  CompleteFn completer;
  static int32_t MCPP_CALL get(void* user_data, const mcpp_call* call, mcpp_str args,
                               const mcpp_result* result) noexcept {
    return guarded(call, [&] {
      Call c(call);
      Result r(result);
      return static_cast<const PromptHandler*>(user_data)->fn(c, view(args), r);
    });
  }
};
/* Completion trampoline: the completer lives in the prompt or resource
 * handler object whose address is the descriptor's user_data. */
template <class H>
int32_t MCPP_CALL complete(void* user_data, const mcpp_call* call, const char* argument, mcpp_str value,
                           mcpp_str context, const mcpp_result* result) noexcept {
  return guarded(call, [&] {
    Call c(call);
    Result r(result);
    std::string_view ctx = view(context);
    return static_cast<const H*>(user_data)->completer(c, view(argument), view(value),
                                                        ctx.empty() ? std::string_view("{}") : ctx, r);
  });
}
struct ResourceHandler final : HandlerBase {
  explicit ResourceHandler(ResourceFn f, CompleteFn c = {}) : fn(std::move(f)), completer(std::move(c)) {}
  ResourceFn fn;
  CompleteFn completer;
  static int32_t MCPP_CALL read(void* user_data, const mcpp_call* call, const char* uri,
                                mcpp_str variables, const mcpp_result* result) noexcept {
    return guarded(call, [&] {
      Call c(call);
      Result r(result);
      std::string_view vars = view(variables);
      return static_cast<const ResourceHandler*>(user_data)->fn(
          c, view(uri), vars.empty() ? std::string_view("{}") : vars, r);
    });
  }
};

}  // namespace detail

/** Owns the handler objects whose addresses the host holds as user_data.
 *  It must outlive every call into them: keep it in the plugin instance (the
 *  host runs no handler during or after destroy()). Handlers are only ever
 *  added, since calls from an older catalog may still be running when
 *  register_capabilities() is called again. Touched only on [main]. */
class HandlerStore {
 public:
  template <class H>
  H* keep(std::unique_ptr<H> h) {
    H* p = h.get();
    items_.push_back(std::move(h));
    return p;
  }
  void drop_last() noexcept { items_.pop_back(); }
  size_t size() const noexcept { return items_.size(); }

 private:
  std::vector<std::unique_ptr<detail::HandlerBase>> items_;
};

/** A tool. name, description and input_schema are required; the rest are
 *  JSON texts or nullptr (see mcpp_tool_desc). Copied by the host. */
struct ToolSpec {
  const char* name = nullptr;
  const char* title = nullptr;
  const char* description = nullptr;
  const char* input_schema_json = nullptr;
  const char* output_schema_json = nullptr;
  const char* annotations_json = nullptr;
  const char* icons_json = nullptr;
  const char* meta_json = nullptr;
  const char* execution_json = nullptr;
  uint32_t flags = 0;  // MCPP_TOOL_*
};

/** A static resource; uri and name are required. */
struct ResourceSpec {
  const char* uri = nullptr;
  const char* name = nullptr;
  const char* title = nullptr;
  const char* description = nullptr;
  const char* mime_type = nullptr;
  int64_t size = -1;  // bytes, or -1 when unknown
  const char* annotations_json = nullptr;
  const char* icons_json = nullptr;
  const char* meta_json = nullptr;
};

/** A resource template ({var}, {+var}); uri_template and name are required. */
struct ResourceTemplateSpec {
  const char* uri_template = nullptr;
  const char* name = nullptr;
  const char* title = nullptr;
  const char* description = nullptr;
  const char* mime_type = nullptr;
  const char* annotations_json = nullptr;
  const char* icons_json = nullptr;
  const char* meta_json = nullptr;
};

/** A prompt; name is required. arguments_json: [{"name","required"?,...}]. */
struct PromptSpec {
  const char* name = nullptr;
  const char* title = nullptr;
  const char* description = nullptr;
  const char* arguments_json = nullptr;
  const char* icons_json = nullptr;
  const char* meta_json = nullptr;
};

/** Declares capabilities. Valid until register_capabilities returns [main].
 *  Each add_* returns the host's status (MCPP_OK, or why it refused, with
 *  last_error() explaining); a refused handler is dropped again. Handlers
 *  are callables taking (Call&, std::string_view, Result&) - resources
 *  (Call&, std::string_view uri, std::string_view variables_json, Result&) -
 *  and returning void or an int32_t status. */
class Registrar {
 public:
  /** `store` keeps the handlers; see HandlerStore for its lifetime. */
  Registrar(const mcpp_registrar* registrar, HandlerStore& store) noexcept
      : reg_(registrar), store_(store) {}
  const mcpp_registrar* raw() const noexcept { return reg_; }

  template <class F>
  int32_t add_tool(const ToolSpec& spec, F&& handler) {
    if (!MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, add_tool)) return MCPP_ERR_UNSUPPORTED;
    auto* h = store_.keep(std::make_unique<detail::ToolHandler>(
        detail::adapt<Call&, std::string_view, Result&>(std::forward<F>(handler))));
    mcpp_tool_desc d{};
    d.struct_size = static_cast<uint32_t>(sizeof d);
    d.name = spec.name;
    d.title = spec.title;
    d.description = spec.description;
    d.input_schema_json = spec.input_schema_json;
    d.output_schema_json = spec.output_schema_json;
    d.annotations_json = spec.annotations_json;
    d.icons_json = spec.icons_json;
    d.meta_json = spec.meta_json;
    d.execution_json = spec.execution_json;
    d.flags = spec.flags;
    d.call = &detail::ToolHandler::call;
    d.user_data = h;
    return settle(reg_->add_tool(reg_, &d));
  }
  /** The common case: a tool with just a name, description and input schema. */
  template <class F>
  int32_t add_tool(const char* name, const char* description, const char* input_schema_json,
                   F&& handler) {
    ToolSpec spec;
    spec.name = name;
    spec.description = description;
    spec.input_schema_json = input_schema_json;
    return add_tool(spec, std::forward<F>(handler));
  }

  template <class F>
  int32_t add_resource(const ResourceSpec& spec, F&& reader) {
    if (!MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, add_resource)) return MCPP_ERR_UNSUPPORTED;
    auto* h = store_.keep(std::make_unique<detail::ResourceHandler>(
        detail::adapt<Call&, std::string_view, std::string_view, Result&>(
            std::forward<F>(reader))));
    mcpp_resource_desc d{};
    d.struct_size = static_cast<uint32_t>(sizeof d);
    d.uri = spec.uri;
    d.name = spec.name;
    d.title = spec.title;
    d.description = spec.description;
    d.mime_type = spec.mime_type;
    d.size = spec.size;
    d.annotations_json = spec.annotations_json;
    d.icons_json = spec.icons_json;
    d.meta_json = spec.meta_json;
    d.read = &detail::ResourceHandler::read;
    d.user_data = h;
    return settle(reg_->add_resource(reg_, &d));
  }

  template <class F>
  int32_t add_resource_template(const ResourceTemplateSpec& spec, F&& reader) {
    return add_resource_template(spec, std::forward<F>(reader), CompleteFn());
  }
  /** With a completer for the template's variables: a callable taking
   *  (Call&, argument, value, context_json, Result&) that adds suggestions. */
  template <class F, class C>
  int32_t add_resource_template(const ResourceTemplateSpec& spec, F&& reader, C&& completer) {
    if (!MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, add_resource_template))
      return MCPP_ERR_UNSUPPORTED;
    CompleteFn c = completer_of(std::forward<C>(completer));
    const bool has_completer = static_cast<bool>(c);
    auto* h = store_.keep(std::make_unique<detail::ResourceHandler>(
        detail::adapt<Call&, std::string_view, std::string_view, Result&>(std::forward<F>(reader)),
        std::move(c)));
    mcpp_resource_template_desc d{};
    d.struct_size = static_cast<uint32_t>(sizeof d);
    d.uri_template = spec.uri_template;
    d.name = spec.name;
    d.title = spec.title;
    d.description = spec.description;
    d.mime_type = spec.mime_type;
    d.annotations_json = spec.annotations_json;
    d.icons_json = spec.icons_json;
    d.meta_json = spec.meta_json;
    d.read = &detail::ResourceHandler::read;
    d.user_data = h;
    if (has_completer) d.complete = &detail::complete<detail::ResourceHandler>;
    return settle(reg_->add_resource_template(reg_, &d));
  }

  template <class F>
  int32_t add_prompt(const PromptSpec& spec, F&& handler) {
    return add_prompt(spec, std::forward<F>(handler), CompleteFn());
  }
  /** With a completer for the prompt's arguments (see add_resource_template). */
  template <class F, class C>
  int32_t add_prompt(const PromptSpec& spec, F&& handler, C&& completer) {
    if (!MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, add_prompt)) return MCPP_ERR_UNSUPPORTED;
    CompleteFn c = completer_of(std::forward<C>(completer));
    const bool has_completer = static_cast<bool>(c);
    auto* h = store_.keep(std::make_unique<detail::PromptHandler>(
        detail::adapt<Call&, std::string_view, Result&>(std::forward<F>(handler)), std::move(c)));
    mcpp_prompt_desc d{};
    d.struct_size = static_cast<uint32_t>(sizeof d);
    d.name = spec.name;
    d.title = spec.title;
    d.description = spec.description;
    d.arguments_json = spec.arguments_json;
    d.icons_json = spec.icons_json;
    d.meta_json = spec.meta_json;
    d.get = &detail::PromptHandler::get;
    d.user_data = h;
    if (has_completer) d.complete = &detail::complete<detail::PromptHandler>;
    return settle(reg_->add_prompt(reg_, &d));
  }

  /** Text the host adds to the server's instructions. */
  int32_t set_instructions(CStr text) const noexcept {
    if (!MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, set_instructions)) return MCPP_ERR_UNSUPPORTED;
    return reg_->set_instructions(reg_, text.get());
  }
  /** Why the last add_* failed ("" when the host does not say). */
  std::string_view last_error() const noexcept {
    return MCPP_HPP_HAS_SLOT(reg_, mcpp_registrar, last_error) ? view(reg_->last_error(reg_)) : "";
  }

 private:
  static CompleteFn completer_of(CompleteFn c) { return c; }
  template <class C, std::enable_if_t<!std::is_same_v<std::decay_t<C>, CompleteFn>, int> = 0>
  static CompleteFn completer_of(C&& c) {
    return detail::adapt<Call&, std::string_view, std::string_view, std::string_view, Result&>(std::forward<C>(c));
  }

  /* A refused descriptor is never referenced by the host: free its handler. */
  int32_t settle(int32_t status) noexcept {
    if (status != MCPP_OK) store_.drop_last();
    return status;
  }
  const mcpp_registrar* reg_;
  HandlerStore& store_;
};

/* ---- The plugin class --------------------------------------------------- */

namespace detail {
struct PluginAccess;
}

/** Base of a plugin written as a class T. T is constructed from
 *  `const InitParams&` in create() [main] (a throw fails create(); the text
 *  goes to the host log) and deleted in destroy() [main]. One object per
 *  instance the operator configures. */
class Plugin {
 public:
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
  virtual ~Plugin() = default;

  /** [main] Declare tools, resources and prompts; a throw fails the call.
   *  Called after create() and again after each notify_list_changed(). */
  virtual void register_capabilities(Registrar& registrar) = 0;
  /** [thread-safe] A plugin extension by id, or nullptr. */
  virtual const void* get_extension(std::string_view id) {
    (void)id;
    return nullptr;
  }
  /** The host's services; set once the constructor has returned (inside the
   *  constructor use InitParams::host()). */
  const Host& host() const noexcept { return host_; }

 private:
  friend struct detail::PluginAccess;
  Host host_;
  HandlerStore handlers_;
};

namespace detail {

/* The descriptor's functions. The instance pointer is always a Plugin*. */
struct PluginAccess {
  template <class T>
  static int32_t MCPP_CALL create(const mcpp_host* host, const mcpp_init_params* params,
                                  void** instance) noexcept {
    if (instance == nullptr) return MCPP_ERR_INVALID_ARGUMENT;
    *instance = nullptr;
    return guarded_lifecycle(Host(host), "create()", [&] {
      std::unique_ptr<T> obj(new T(InitParams(host, params)));
      Plugin* base = obj.release();
      base->host_ = Host(host);
      *instance = base;
    });
  }
  static int32_t MCPP_CALL register_capabilities(void* instance,
                                                 const mcpp_registrar* registrar) noexcept {
    if (instance == nullptr) return MCPP_ERR_INVALID_ARGUMENT;
    Plugin* p = static_cast<Plugin*>(instance);
    return guarded_lifecycle(p->host_, "register_capabilities()", [&] {
      Registrar reg(registrar, p->handlers_);
      p->register_capabilities(reg);
    });
  }
  static void MCPP_CALL destroy(void* instance) noexcept { delete static_cast<Plugin*>(instance); }
  static const void* MCPP_CALL get_extension(void* instance, const char* id) noexcept {
    if (instance == nullptr) return nullptr;
    try {
      return static_cast<Plugin*>(instance)->get_extension(view(id));
    } catch (...) {
      return nullptr;
    }
  }
};

}  // namespace detail

/** The static descriptor for plugin class T. The strings must have static
 *  storage (string literals). MCPP_DEFINE_PLUGIN uses it; tests may call the
 *  descriptor's functions directly. */
template <class T>
constexpr mcpp_plugin make_descriptor(const char* id, const char* name, const char* version,
                                      const char* description, uint32_t flags = 0) noexcept {
  static_assert(std::is_base_of_v<Plugin, T>, "a plugin class derives from mcpp::Plugin");
  static_assert(std::is_constructible_v<T, const InitParams&>,
                "a plugin class is constructible from const mcpp::InitParams&");
  mcpp_plugin d{};
  d.struct_size = static_cast<uint32_t>(sizeof(mcpp_plugin));
  d.abi_version = MCPP_ABI_VERSION;
  d.id = id;
  d.name = name;
  d.version = version;
  d.description = description;
  d.flags = flags;
  d.create = &detail::PluginAccess::create<T>;
  d.register_capabilities = &detail::PluginAccess::register_capabilities;
  d.destroy = &detail::PluginAccess::destroy;
  d.get_extension = &detail::PluginAccess::get_extension;
  return d;
}

/** The body of mcpp_plugin_negotiate: this header serves exactly
 *  MCPP_ABI_VERSION, the version it was compiled against. Pure. */
inline int32_t negotiate(mcpp_negotiation* n, const mcpp_plugin* plugin) noexcept {
  if (!MCPP_HPP_HAS_FIELD(n, mcpp_negotiation, plugin) || plugin == nullptr)
    return MCPP_ERR_VERSION;
  if (n->host_abi_min > MCPP_ABI_VERSION || n->host_abi_max < MCPP_ABI_VERSION)
    return MCPP_ERR_VERSION;
  n->abi_version = MCPP_ABI_VERSION;
  n->plugin = plugin;
  return MCPP_OK;
}

}  // namespace mcpp

/** Defines the exported entry point for plugin class Class, at global scope,
 *  once per shared library. The strings must be literals. */
#define MCPP_DEFINE_PLUGIN_WITH_FLAGS(Class, id, name, version, description, flags)               \
  extern "C" MCPP_EXPORT int32_t MCPP_CALL mcpp_plugin_negotiate(mcpp_negotiation* negotiation) { \
    static constexpr mcpp_plugin mcpp_descriptor_ =                                               \
        ::mcpp::make_descriptor<Class>(id, name, version, description, flags);                    \
    return ::mcpp::negotiate(negotiation, &mcpp_descriptor_);                                     \
  }
#define MCPP_DEFINE_PLUGIN(Class, id, name, version, description) \
  MCPP_DEFINE_PLUGIN_WITH_FLAGS(Class, id, name, version, description, 0u)

#undef MCPP_HPP_HAS_SLOT
#undef MCPP_HPP_HAS_FIELD
#undef MCPP_HPP_HAS

#endif /* MCPHOST_MCP_PLUGIN_HPP */
