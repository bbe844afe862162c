// client_roots.h - the roots a legacy client shares with the server.
//
// A legacy client (2025-11-25 and earlier) that declares the `roots`
// capability is asked for them (roots/list) once it is initialized and again
// on each notifications/roots/list_changed; the answer is kept in its
// LegacySession and given to every handler as mcpp_call.roots_json. Modern
// requests carry no session: a handler that needs roots asks for them with
// an input request. Failures (no answer, an error, a malformed answer) keep
// the previous roots and are logged: roots are advisory.
// Thread-safe; never blocks (the answer is handled when it arrives).
#pragma once

#include <memory>

#include "protocol/server_state.h"

namespace mcph {

// Sends roots/list on the session's unsolicited outbound, if the client
// declared roots and an outbound is set; stores the answer when it comes.
void RefreshClientRoots(ServerState& s, const std::shared_ptr<SessionState>& session);

}  // namespace mcph
