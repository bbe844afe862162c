// thread_set.h - the threads an object starts for itself, joined as they end.
//
// The stdio transport's readers and the HTTP server's I/O threads are
// replaced while a plugin step holds them, so over a long life they come and
// go. A ThreadSet keeps them: Start first joins the threads that said Done
// since the last Start (so ended threads do not pile up), a thread says Done
// as the last thing it does, and TakeAll hands over the rest to be joined
// when the owner ends.
//
// Thread contract: a ThreadSet has no lock of its own. Start, Done, running,
// held and TakeAll are all called with the OWNER's mutex held (the same
// mutex every time); the owner notifies its own condition variable after
// Done if someone waits on running(). Done is called by the ending thread
// itself, after which it touches nothing of the owner. Start joins finished
// threads under that mutex: they already left it after Done, so the join
// cannot wait on it. The threads TakeAll returns are joined by the caller
// AFTER releasing the mutex (a thread still running needs it for its Done).
// The destructor joins nothing: every thread must have been taken by TakeAll
// and joined before (a joinable std::thread ends the process).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

namespace mcph {

class ThreadSet {
 public:
  ThreadSet() = default;
  ThreadSet(const ThreadSet&) = delete;
  ThreadSet& operator=(const ThreadSet&) = delete;

  // Joins the threads that are done, then starts one running `body`, which
  // must end with Done() (under the owner's mutex).
  template <class F>
  void Start(F&& body) {
    for (std::thread::id id : finished_) {
      auto it = std::find_if(threads_.begin(), threads_.end(), [&](const std::thread& t) { return t.get_id() == id; });
      if (it == threads_.end()) continue;
      it->join();
      threads_.erase(it);
    }
    finished_.clear();
    ++running_;
    threads_.emplace_back(std::forward<F>(body));
  }

  // Called by a thread of the set as its last act: it is no longer running,
  // and the next Start joins it.
  void Done() {
    finished_.push_back(std::this_thread::get_id());
    --running_;
  }

  // Threads started and not yet Done.
  int running() const { return running_; }
  // Threads not yet joined (running or Done).
  size_t held() const { return threads_.size(); }

  // Every thread not yet joined, for the caller to join outside the mutex.
  std::vector<std::thread> TakeAll() {
    finished_.clear();
    return std::exchange(threads_, {});
  }

 private:
  int running_ = 0;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> finished_;  // threads that said Done, to join
};

}  // namespace mcph
