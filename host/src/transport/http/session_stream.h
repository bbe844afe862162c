// session_stream.h - a legacy session's SSE streams and their event store.
//
// The standalone stream (GET on the endpoint) is where server notifications
// that belong to no request go (notifications/*/list_changed). The POST
// streams are the SSE replies of legacy requests (exchange.*). Every event of
// a legacy session carries an id "<stream>-<seq>", unique within the session
// and naming its stream: stream 0 is the standalone stream, 1, 2, ... are the
// POST streams in the order they started. Events are kept (bounded: the last
// kReplay of the standalone stream, the last kReplay of each of the last
// kPostStreams POST streams) so a client that lost a stream resumes with GET
// and Last-Event-ID and receives that stream's later events only (the spec's
// resumability, 2025-11-25). Resuming a POST stream that is still running
// follows it to its response; one that ended is replayed and closed. A bare
// number as Last-Event-ID means stream 0.
//
// Send may be called from any thread (the runtime's lifecycle thread);
// attaching and writing happen on the HTTP connection's thread. Idle GET
// streams - the standalone stream and a resumed POST stream that follows a
// call still running - get an SSE comment (": keep-alive") every kKeepAlive
// so proxies and clients do not time them out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocol/connection.h"
#include "transport/http/http_connection.h"

namespace mcph::http {

// A parsed Last-Event-ID: (stream, seq). nullopt when it is not one of ours.
struct EventCursor {
  uint64_t stream = 0;
  uint64_t seq = 0;
};
std::optional<EventCursor> ParseEventId(std::string_view id);

class SessionStream : public Outbound, public PendingListener, public std::enable_shared_from_this<SessionStream> {
 public:
  static constexpr size_t kReplay = 256;       // events kept per stream
  static constexpr size_t kPostStreams = 64;   // POST streams kept for resumption
  // Keep-alive period of idle GET streams. A constant, not a config key
  // (server.http.* belongs to the config module); well under the 60 s idle
  // timeouts of common proxies.
  static constexpr std::chrono::milliseconds kKeepAlive{15000};
  // The period in use: kKeepAlive unless a test shortened it.
  static std::chrono::milliseconds keep_alive();
  static void SetKeepAliveForTesting(std::chrono::milliseconds period);

  void Send(std::string&& message) override;
  void OnClientGone() override;

  // Serves the standalone stream on `conn` (on conn's thread): false when one
  // is already open (the caller answers 409). Replays events after `last`
  // (stream 0 cursors only), or resumes the POST stream `last` names.
  bool Attach(const std::shared_ptr<HttpConnection>& conn, std::optional<EventCursor> last, const HeaderList& headers);
  // Ends the open streams, if any, and refuses further attaches (session ended).
  void Close();

  // POST streams (called by an Exchange on its connection's thread).
  // A new stream number (> 0); nullopt after Close.
  std::optional<uint64_t> OpenPostStream();
  // Records one event of POST stream `stream` and returns it formatted (with
  // its id); `last` marks the response, which ends the stream. A client that
  // resumed the stream with GET gets it too.
  std::string RecordPost(uint64_t stream, std::string_view message, bool last);

 private:
  struct PostStream {
    uint64_t next_seq = 1;
    bool ended = false;
    std::deque<std::pair<uint64_t, std::string>> events;
    std::shared_ptr<HttpConnection> resumed;  // a GET that follows it
    bool sent_since_tick = false;             // events to `resumed` since its last keep-alive tick
  };
  bool ResumePost(const std::shared_ptr<HttpConnection>& conn, EventCursor last, const HeaderList& headers);
  // Keep-alive ticks for the GET on `conn` serving `stream` (0: the
  // standalone stream; n: POST stream n, resumed). Stops when that stream
  // ends, is replaced or evicted, or the client goes away.
  void ArmKeepAlive(const std::shared_ptr<HttpConnection>& conn, uint64_t stream);
  // The activity flag of `stream` while `conn` still serves it; nullptr
  // otherwise. mu_ held.
  bool* ActivityFlag(const std::shared_ptr<HttpConnection>& conn, uint64_t stream);

  std::mutex mu_;
  std::shared_ptr<HttpConnection> conn_;
  uint64_t next_id_ = 1;
  std::deque<std::pair<uint64_t, std::string>> recent_;
  bool closed_ = false;
  bool sent_since_tick_ = false;  // standalone stream activity since the last keep-alive tick
  uint64_t next_stream_ = 1;
  std::map<uint64_t, PostStream> posts_;
};

}  // namespace mcph::http
