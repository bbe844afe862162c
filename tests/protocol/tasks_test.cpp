// tasks_test.cpp - the TaskStore (protocol/task_store.h) on its own, with a
// fake clock: creation, terminal transitions, cancel, input rounds with
// partial answers, waiters, expiry after the ttl, the cap on live tasks.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/task_store.h"
#include "util/json.h"

using mcph::IsoTime;
using mcph::TaskStatus;
using mcph::TaskStore;
using mcph::TaskView;

namespace {

struct FakeClock {
  int64_t now = 1'780'000'000'000;  // 2026-05-28
  TaskStore::Clock fn() {
    return [this] { return now; };
  }
};

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  REQUIRE(mcph::ParseJson(text, d).ok());
  return d;
}

}  // namespace

TEST_CASE("a new task is working, findable at once, with a random id", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto a = store.Create("", 60000, 500);
  auto b = store.Create("", 60000, 500);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->id != b->id);
  CHECK(a->id.size() == 36);
  CHECK(a->status == TaskStatus::kWorking);
  CHECK(a->created_ms == clock.now);
  CHECK(a->ttl_ms == 60000);
  auto got = store.Get(a->id);
  REQUIRE(got);
  CHECK(got->status == TaskStatus::kWorking);
  CHECK_FALSE(store.Get("no-such-task"));
}

TEST_CASE("IsoTime writes UTC with milliseconds", "[tasks]") {
  CHECK(IsoTime(0) == "1970-01-01T00:00:00.000Z");
  CHECK(IsoTime(1785234600123) == "2026-07-28T10:30:00.123Z");
}

TEST_CASE("exactly one terminal transition wins", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto t = store.Create("", 60000, 500);
  clock.now += 1500;
  CHECK(store.Complete(t->id, R"({"content":[]})"));
  CHECK_FALSE(store.Fail(t->id, R"({"code":-32603,"message":"late"})"));
  CHECK_FALSE(store.Complete(t->id, R"({"content":[{"type":"text","text":"again"}]})"));
  auto v = store.Get(t->id);
  CHECK(v->status == TaskStatus::kCompleted);
  CHECK(v->result_json == R"({"content":[]})");
  CHECK(v->error_json.empty());
  CHECK(v->updated_ms == clock.now);
}

TEST_CASE("cancel stops a live task once and leaves a terminal one alone", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  int stops = 0;
  std::vector<std::string> statuses;
  TaskStore::Hooks hooks;
  hooks.cancel = [&] { ++stops; };
  hooks.changed = [&](const TaskView& v) { statuses.push_back(mcph::TaskStatusName(v.status)); };
  auto t = store.Create("", 60000, 500, hooks);
  CHECK(store.Cancel(t->id) == TaskStore::CancelOutcome::kCancelled);
  CHECK(stops == 1);
  CHECK(store.Cancel(t->id) == TaskStore::CancelOutcome::kAlreadyTerminal);
  CHECK(stops == 1);
  CHECK_FALSE(store.Complete(t->id, "{}"));  // the handler finishing later changes nothing
  CHECK(store.Get(t->id)->status == TaskStatus::kCancelled);
  CHECK(statuses == std::vector<std::string>{"cancelled"});
  CHECK(store.Cancel("unknown") == TaskStore::CancelOutcome::kUnknown);
}

TEST_CASE("input rounds: partial answers keep the task waiting, the last one resumes it", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto t = store.Create("", 60000, 500);
  std::vector<std::string> resumed;
  REQUIRE(store.AwaitInput(t->id,
                           R"({"a":{"method":"elicitation/create","params":{}},"b":{"method":"roots/list","params":{}}})",
                           [&](std::string answers) { resumed.push_back(std::move(answers)); }));
  CHECK(store.Get(t->id)->status == TaskStatus::kInputRequired);

  auto first = Json(R"({"a":{"action":"accept"},"zzz":{"ignored":true}})");
  CHECK(store.Update(t->id, first) == TaskStore::UpdateOutcome::kAccepted);
  auto v = store.Get(t->id);
  CHECK(v->status == TaskStatus::kInputRequired);
  CHECK(v->input_requests_json == R"({"b":{"method":"roots/list","params":{}}})");
  CHECK(resumed.empty());

  auto second = Json(R"({"b":{"roots":[]}})");
  CHECK(store.Update(t->id, second) == TaskStore::UpdateOutcome::kAccepted);
  REQUIRE(resumed.size() == 1);
  CHECK(resumed[0] == R"({"a":{"action":"accept"},"b":{"roots":[]}})");
  v = store.Get(t->id);
  CHECK(v->status == TaskStatus::kWorking);
  CHECK(v->input_requests_json.empty());

  // Not waiting any more: answers are ignored, nothing resumes twice.
  CHECK(store.Update(t->id, second) == TaskStore::UpdateOutcome::kNotWaiting);
  CHECK(resumed.size() == 1);
  CHECK(store.Update("unknown", second) == TaskStore::UpdateOutcome::kUnknown);
}

TEST_CASE("a cancelled task never resumes", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto t = store.Create("", 60000, 500);
  bool resumed = false;
  REQUIRE(store.AwaitInput(t->id, R"({"k":{"method":"elicitation/create","params":{}}})",
                           [&](std::string) { resumed = true; }));
  store.Cancel(t->id);
  auto answer = Json(R"({"k":{"action":"accept"}})");
  CHECK(store.Update(t->id, answer) == TaskStore::UpdateOutcome::kNotWaiting);
  CHECK_FALSE(resumed);
  CHECK_FALSE(store.AwaitInput(t->id, R"({"k":{}})", [](std::string) {}));
}

TEST_CASE("waiters run when the task ends, or at once when it has", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto t = store.Create("", 60000, 500);
  std::vector<TaskStatus> seen;
  REQUIRE(store.WhenDone(t->id, [&](const TaskView& v) { seen.push_back(v.status); }));
  CHECK(seen.empty());
  store.Fail(t->id, R"({"code":-32603,"message":"boom"})");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == TaskStatus::kFailed);
  REQUIRE(store.WhenDone(t->id, [&](const TaskView& v) { seen.push_back(v.status); }));
  CHECK(seen.size() == 2);
  CHECK_FALSE(store.WhenDone("unknown", [](const TaskView&) {}));
}

TEST_CASE("tasks are kept for their ttl, then forgotten (a running one is stopped)", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  int stops = 0;
  TaskStore::Hooks hooks;
  hooks.cancel = [&] { ++stops; };
  auto running = store.Create("", 1000, 500, hooks);
  auto done = store.Create("", 1000, 500);
  store.Complete(done->id, "{}");
  bool waiter_called = false;
  store.WhenDone(running->id, [&](const TaskView& v) {
    waiter_called = true;
    CHECK(v.status == TaskStatus::kWorking);
  });
  clock.now += 999;
  CHECK(store.Get(running->id));
  CHECK(store.Get(done->id));
  clock.now += 1;
  CHECK_FALSE(store.Get(running->id));
  CHECK_FALSE(store.Get(done->id));
  CHECK(stops == 1);
  CHECK(waiter_called);
  CHECK(store.size() == 0);
}

TEST_CASE("the store refuses new tasks beyond its cap until some expire", "[tasks]") {
  FakeClock clock;
  TaskStore store(2, clock.fn());
  REQUIRE(store.Create("", 1000, 500).ok());
  REQUIRE(store.Create("", 5000, 500).ok());
  auto refused = store.Create("", 1000, 500);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("at most 2") != std::string::npos);
  clock.now += 1000;  // the first expires
  CHECK(store.Create("", 1000, 500).ok());
}

TEST_CASE("tasks/list sees only the owner's tasks, oldest first", "[tasks]") {
  FakeClock clock;
  TaskStore store(10, clock.fn());
  auto a = store.Create("s1", 60000, 500);
  clock.now += 1;
  auto b = store.Create("s2", 60000, 500);
  clock.now += 1;
  auto c = store.Create("s1", 60000, 500);
  auto list = store.List("s1");
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == a->id);
  CHECK(list[1].id == c->id);
  CHECK(store.List("s3").empty());
  (void)b;
}
