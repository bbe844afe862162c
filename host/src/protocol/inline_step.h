// inline_step.h - lets the thread that dispatched a message run the plugin
// step the dispatch started itself, instead of waking a pool worker for it.
//
// Why: over stdio a sequential client waits for each answer, and handing each
// plugin call to the worker pool (and arming and cancelling an asio deadline
// timer for it) costs futex wakes and context switches per request - more
// than an echo call itself. The stdio reader opens a slot around its dispatch
// of one line; a call that its plugin's gate admits at once is then parked in
// the slot instead of being posted, together with its deadline, and the
// reader runs it once the dispatch has returned. The reader's watcher, not an
// asio timer, enforces that deadline, and moves the reading to another thread
// when such a step runs long (stdio_transport.h), so a slow or hung plugin
// never stops the host from reading.
//
// The HTTP I/O threads do the same (transport/http/io_threads.h), but open
// their slots `quick_only`: an I/O thread serves many connections, so a call
// to a plugin whose last step ran long goes to the pool instead
// (ConcurrencyGate::last_step_slow).
//
// Thread-safety: the slot is thread_local; nothing here is shared. Any other
// thread (the pool, timers) has no open slot and posts as before.
#pragma once

#include <chrono>
#include <functional>
#include <utility>

namespace mcph {

// One parked step: what to run, and what to do if it is still running at
// `deadline` (answer the caller with a timeout; a no-op once it answered).
struct InlineStep {
  std::function<void()> run;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::function<void()> expire;
};

class InlineStepSlot {
 public:
  // Opens a slot on this thread for this object's lifetime (not nestable).
  explicit InlineStepSlot(bool quick_only = false) : quick_only_(quick_only) { current_ = this; }
  ~InlineStepSlot() { current_ = nullptr; }
  InlineStepSlot(const InlineStepSlot&) = delete;
  InlineStepSlot& operator=(const InlineStepSlot&) = delete;

  // Whether this thread has an open slot with nothing parked in it yet that
  // takes a step of a plugin whose last step was slow (`slow`) or not.
  static bool CanPark(bool slow) { return current_ && !current_->step_.run && !(slow && current_->quick_only_); }
  // Parks `step`; only after CanPark() said yes.
  static void Park(InlineStep step) { current_->step_ = std::move(step); }

  // Closes the slot and gives what was parked in it (`run` empty if nothing).
  InlineStep Take() {
    current_ = nullptr;
    return std::move(step_);
  }

 private:
  static inline thread_local InlineStepSlot* current_ = nullptr;
  const bool quick_only_;
  InlineStep step_;
};

}  // namespace mcph
