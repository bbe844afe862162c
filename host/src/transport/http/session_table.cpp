// session_table.cpp - see session_table.h.
#include "transport/http/session_table.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace mcph::http {

std::string NewSessionId() {
  unsigned char bytes[32];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");  // no safe fallback: refuse to mint guessable ids
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(64);
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

std::shared_ptr<HttpSession> SessionTable::Create() {
  auto s = std::make_shared<HttpSession>();
  s->id = NewSessionId();
  s->Touch();
  std::shared_ptr<HttpSession> evicted;
  {
    std::unique_lock lock(mu_);
    if (sessions_.size() >= max_) {
      // Make room: the least recently used session with nothing in progress.
      for (auto& [id, cand] : sessions_) {
        if (cand->active.load() != 0) continue;
        if (!evicted || cand->last_used.load() < evicted->last_used.load()) evicted = cand;
      }
      if (!evicted) return nullptr;
      sessions_.erase(evicted->id);
    }
    sessions_.emplace(s->id, s);
  }
  if (evicted) End(evicted);
  return s;
}

std::shared_ptr<HttpSession> SessionTable::Find(std::string_view id) {
  std::shared_ptr<HttpSession> s;
  {
    std::shared_lock lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    s = it->second;
  }
  if (s->IdleFor(idle_, HttpSession::Clock::now())) {
    Remove(id);
    return nullptr;
  }
  s->Touch();
  return s;
}

bool SessionTable::Remove(std::string_view id) {
  std::shared_ptr<HttpSession> s;
  {
    std::unique_lock lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    s = std::move(it->second);
    sessions_.erase(it);
  }
  End(s);
  return true;
}

size_t SessionTable::Sweep() {
  std::vector<std::shared_ptr<HttpSession>> gone;
  auto now = HttpSession::Clock::now();
  {
    std::unique_lock lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->IdleFor(idle_, now)) {
        gone.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : gone) End(s);
  return gone.size();
}

void SessionTable::Clear() {
  decltype(sessions_) all;
  {
    std::unique_lock lock(mu_);
    all.swap(sessions_);
  }
  for (auto& [id, s] : all) End(s);
}

size_t SessionTable::size() const {
  std::shared_lock lock(mu_);
  return sessions_.size();
}

void SessionTable::End(const std::shared_ptr<HttpSession>& s) {
  if (s->ended.exchange(true)) return;
  s->state->CancelAll();
  if (on_end_) on_end_(s);
}

}  // namespace mcph::http
