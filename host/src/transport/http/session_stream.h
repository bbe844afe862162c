// session_stream.h - a legacy session's standalone SSE stream (GET on the
// endpoint): where server notifications that belong to no request go
// (notifications/*/list_changed). Events carry ids; the last kReplay are kept
// so a client that reconnects with Last-Event-ID gets what it missed.
//
// Send may be called from any thread (the runtime's lifecycle thread);
// attaching and writing happen on the HTTP connection's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "protocol/connection.h"
#include "transport/http/http_connection.h"

namespace mcph::http {

class SessionStream : public Outbound, public PendingListener, public std::enable_shared_from_this<SessionStream> {
 public:
  static constexpr size_t kReplay = 256;

  void Send(std::string&& message) override;
  void OnClientGone() override;

  // Serves the stream on `conn` (on conn's thread): false when one is already
  // open (the caller answers 409). Replays events after `last_event_id`.
  bool Attach(const std::shared_ptr<HttpConnection>& conn, std::optional<uint64_t> last_event_id,
              const HeaderList& headers);
  // Ends the open stream, if any, and refuses further attaches (session ended).
  void Close();

 private:
  std::mutex mu_;
  std::shared_ptr<HttpConnection> conn_;
  uint64_t next_id_ = 1;
  std::deque<std::pair<uint64_t, std::string>> recent_;
  bool closed_ = false;
};

}  // namespace mcph::http
