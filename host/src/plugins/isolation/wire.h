// wire.h - the frames mcp-host and mcp-plugin-runner exchange over their
// socketpair (plugins[].isolation: process).
//
// A frame is a native-endian uint32 body length, then the body: a one-byte
// Msg, a uint64 tag (the request it belongs to; 0 for none), then the
// message's fields in the order its comment gives. Both ends are the same
// build, so native byte order and no versioning: the runner is installed with
// the host and never talks to another build.
//
// Errors are values: a reader that runs out of bytes or finds a bad tag marks
// itself failed and the caller drops the connection (a runner that sends
// garbage is treated like one that crashed). Not thread-safe; one Writer or
// Reader per thread. WriteFrame is safe to call from several threads when
// the caller holds the connection's write lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcph::wire {

enum class Msg : uint8_t {
  // host -> runner
  kOpen = 1,      // path, workers u32, max_result_bytes u64
  kCreate,        // config_json, alias, plugin_path, host_version
  kRegister,      //
  kCall,          // handler u32, kind u8, protocol_version, client_name, client_capabilities_json,
                  // roots_json, input_responses_json, request_state, deadline_unix_ms i64,
                  // then per kind: tool/prompt: arguments_json; resource: uri, variables_json;
                  // complete: argument_name, value, context_json
  kCancel,        // (the tag of the call)
  kDestroy,       //
  // runner -> host
  kOpened,        // status i32, error, abi u32, id, name, version, description, flags u32
  kStatus,        // status i32 (answers create and destroy)
  kRegistered,    // status i32, instructions?, count u32, entries (see plugin_runner.cpp)
  kResult,        // status i32, error_message, ops (a result op stream, see ResultOp)
  kCallLog,       // level i32, logger?, message
  kCallProgress,  // progress f64, total f64, message?
  kHostLog,       // level i32, message
  kListChanged,   // bits u32
  kResourceUpdated,  // uri
};

// What a kCall asks for.
enum class CallKind : uint8_t { kTool = 1, kPrompt, kResource, kComplete };

// Registered capabilities in a kRegistered frame.
enum class EntryKind : uint8_t { kTool = 1, kResource, kTemplate, kPrompt };

// One mcpp_result call, recorded by the runner and replayed by the host.
enum class ResultOp : uint8_t {
  kAddText = 1,         // text
  kAddImage,            // mime?, bytes
  kAddAudio,            // mime?, bytes
  kAddResourceLink,     // uri?, name?, mime?, description?
  kAddEmbeddedText,     // uri?, mime?, text
  kAddEmbeddedBlob,     // uri?, mime?, bytes
  kAddContentJson,      // json
  kSetStructuredJson,   // json
  kSetIsError,          // u8
  kSetRole,             // i32
  kSetDescription,      // text
  kAddTextContents,     // uri?, mime?, text
  kAddBlobContents,     // uri?, mime?, bytes
  kSetMetaJson,         // json
  kRequireInput,        // key?, method?, params_json
  kSetRequestState,     // state
  kAddCompletion,       // value
  kSetCompletionInfo,   // total i64, has_more u8
};

// The largest frame either side accepts: a result's bytes plus room for the
// op headers. Larger announced lengths end the connection.
constexpr uint64_t kFrameOverhead = 1 << 20;

class Writer {
 public:
  Writer(Msg type, uint64_t tag);
  void U8(uint8_t v) { Raw(&v, 1); }
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void I32(int32_t v) { Raw(&v, sizeof v); }
  void I64(int64_t v) { Raw(&v, sizeof v); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Str(std::string_view s);
  // A nullable C string: absent and "" are told apart.
  void OptStr(const char* s);
  void Raw(const void* p, size_t n) { body_.append(static_cast<const char*>(p), n); }
  // The finished frame (length prefix filled in).
  std::string& Frame();
  size_t size() const { return body_.size(); }

 private:
  std::string body_;
};

class Reader {
 public:
  explicit Reader(std::string_view body) : p_(body.data()), end_(body.data() + body.size()) {}
  uint8_t U8() { return Fixed<uint8_t>(); }
  uint32_t U32() { return Fixed<uint32_t>(); }
  uint64_t U64() { return Fixed<uint64_t>(); }
  int32_t I32() { return Fixed<int32_t>(); }
  int64_t I64() { return Fixed<int64_t>(); }
  double F64() { return Fixed<double>(); }
  std::string_view Str();
  std::optional<std::string_view> OptStr();
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }

 private:
  template <typename T>
  T Fixed() {
    T v{};
    if (static_cast<size_t>(end_ - p_) < sizeof v) {
      ok_ = false;
      return v;
    }
    __builtin_memcpy(&v, p_, sizeof v);
    p_ += sizeof v;
    return v;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// Writes the whole frame (retrying short writes and EINTR, never raising
// SIGPIPE). False when the peer is gone.
bool WriteFrame(int fd, std::string& frame);

// Reads one frame body into `body`. False on EOF, error, or a length over
// `max_body`.
bool ReadFrame(int fd, std::string& body, uint64_t max_body);

// Reads frames through a buffer: one read(2) brings in every frame the peer
// has sent so far, instead of two reads per frame. One reader per fd.
class FrameReader {
 public:
  FrameReader(int fd, uint64_t max_body) : fd_(fd), max_body_(max_body) {}
  // The next frame's body, valid until the next call. False on EOF, error or
  // an oversized frame.
  bool Next(std::string_view& body);

 private:
  int fd_;
  uint64_t max_body_;
  std::string buf_;
  size_t start_ = 0, end_ = 0;
};

// The message type and tag of a frame body (Reader positioned after them).
struct Header {
  Msg type;
  uint64_t tag;
};
std::optional<Header> ReadHeader(Reader& r);

}  // namespace mcph::wire
