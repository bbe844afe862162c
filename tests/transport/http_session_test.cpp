// http_session_test.cpp - legacy session ids, lookup, expiry and the cap.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "transport/http/session_table.h"

using namespace mcph::http;

TEST_CASE("session ids: 64 hex characters, never repeated", "[http]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewSessionId();
    REQUIRE(id.size() == 64);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    REQUIRE(seen.insert(id).second);
  }
}

TEST_CASE("sessions: create, find, remove", "[http]") {
  int ended = 0;
  SessionTable t(10, std::chrono::seconds(600), [&](const std::shared_ptr<HttpSession>&) { ++ended; });
  auto s = t.Create();
  REQUIRE(s);
  CHECK(t.Find(s->id) == s);
  CHECK(t.Find("nope") == nullptr);
  CHECK(t.Remove(s->id));
  CHECK(s->ended);
  CHECK_FALSE(t.Remove(s->id));
  CHECK(t.Find(s->id) == nullptr);
  CHECK(ended == 1);
}

TEST_CASE("sessions: the cap ends the least recently used idle session", "[http]") {
  std::vector<std::string> ended;
  SessionTable t(2, std::chrono::seconds(600), [&](const std::shared_ptr<HttpSession>& s) { ended.push_back(s->id); });
  auto a = t.Create();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto b = t.Create();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  t.Find(a->id);  // a is now the most recently used
  auto c = t.Create();
  REQUIRE(c);
  CHECK(t.size() == 2);
  REQUIRE(ended.size() == 1);
  CHECK(ended[0] == b->id);
  // Full of busy sessions: no room.
  a->active = 1;
  c->active = 1;
  CHECK(t.Create() == nullptr);
  a->active = 0;
  CHECK(t.Create() != nullptr);
}

TEST_CASE("sessions: idle ones expire, busy ones do not", "[http]") {
  int ended = 0;
  SessionTable t(10, std::chrono::seconds(0), [&](const std::shared_ptr<HttpSession>&) { ++ended; });
  auto idle = t.Create();
  auto busy = t.Create();
  busy->active = 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(t.Sweep() == 1);
  CHECK(ended == 1);
  CHECK(t.Find(idle->id) == nullptr);
  CHECK(t.Find(busy->id) == busy);
  busy->active = 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(t.Find(busy->id) == nullptr);  // found expired on lookup
  CHECK(ended == 2);
}
