// task_store.h - the tasks this process keeps: tool calls that run on after
// their tools/call was answered with a CreateTaskResult (modern: the
// io.modelcontextprotocol/tasks extension; legacy: the experimental tasks of
// 2025-11-25).
//
// Contract:
//  - Create() makes a task durable before its id is handed out, so a
//    tasks/get right after the CreateTaskResult finds it.
//  - A task moves working <-> input_required and then to exactly one
//    terminal status (completed, failed, cancelled); later transitions are
//    refused (a handler that finishes after a cancel is ignored).
//  - A task lives for ttl_ms after its creation; then it is forgotten (and
//    its work asked to stop if it still runs). At most `max_tasks` live at
//    once: Create() refuses beyond that.
//  - AwaitInput/Update park a task on client input and resume it once every
//    pending key is answered; answered keys leave inputRequests, unknown
//    keys are ignored, a key is never reused within one round.
//  - `owner` scopes tasks/list (legacy session); it is not a security
//    boundary (task ids are 128-bit random).
// Thread safety: every method may be called from any thread. Hooks, resume
// functions and waiters run on the calling thread with no store lock held.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "util/result.h"

namespace mcph {

enum class TaskStatus { kWorking, kInputRequired, kCompleted, kFailed, kCancelled };

// "working", "input_required", ...
const char* TaskStatusName(TaskStatus s);
bool IsTerminal(TaskStatus s);
// ISO-8601 UTC with milliseconds ("2026-07-28T10:30:00.123Z") of a Unix time in ms.
std::string IsoTime(int64_t unix_ms);

// A copy of one task's state.
struct TaskView {
  std::string id;
  std::string owner;
  TaskStatus status = TaskStatus::kWorking;
  std::string status_message;
  int64_t created_ms = 0;  // Unix ms
  int64_t updated_ms = 0;
  int64_t ttl_ms = 0;
  int64_t poll_ms = 0;
  std::string result_json;          // completed: the tool's result object
  std::string error_json;           // failed: the JSON-RPC error object {code, message, data?}
  std::string input_requests_json;  // input_required: the still-pending requests (an object)
};

class TaskStore {
 public:
  struct Hooks {
    std::function<void()> cancel;                   // asks the task's work to stop (cooperative)
    std::function<void(const TaskView&)> changed;   // after every status change
  };
  using Resume = std::function<void(std::string answers_json)>;
  using Waiter = std::function<void(const TaskView&)>;
  using Clock = std::function<int64_t()>;  // Unix ms

  explicit TaskStore(size_t max_tasks = 10000, Clock now = nullptr);

  // A new working task; an error when max_tasks tasks live already.
  Result<TaskView> Create(std::string owner, int64_t ttl_ms, int64_t poll_ms, Hooks hooks = {});
  std::optional<TaskView> Get(const std::string& id);
  // The owner's live tasks, oldest first.
  std::vector<TaskView> List(const std::string& owner);

  // Terminal transitions from a non-terminal status; false otherwise (gone,
  // or already terminal).
  bool Complete(const std::string& id, std::string result_json);
  bool Fail(const std::string& id, std::string error_json);

  enum class CancelOutcome { kUnknown, kCancelled, kAlreadyTerminal };
  // Moves a live task to cancelled and calls its cancel hook.
  CancelOutcome Cancel(const std::string& id);

  // Parks a working task on client input: `requests_json` is an object of
  // key -> {method, params}; `resume` runs once, with every answer as one
  // object, when the last key is answered. False when the task is not working.
  bool AwaitInput(const std::string& id, const std::string& requests_json, Resume resume);

  enum class UpdateOutcome { kUnknown, kAccepted, kNotWaiting };
  // Records answers (an object, key -> answer). kNotWaiting when the task is
  // live but does not wait for input (the answers are ignored).
  UpdateOutcome Update(const std::string& id, const rapidjson::Value& responses);

  // Calls `waiter` once the task is terminal (at once if it is); false when
  // the task is unknown. A task that expires first calls it with its last
  // state (not terminal).
  bool WhenDone(const std::string& id, Waiter waiter);

  size_t size();

 private:
  struct Task {
    TaskView view;
    Hooks hooks;
    rapidjson::Document pending;  // key -> request, while input_required
    rapidjson::Document answers;  // key -> answer, gathered this round
    Resume resume;
    std::vector<Waiter> waiters;
  };
  // Work to run once the lock is released.
  struct After {
    std::vector<std::function<void()>> calls;
    void Run() {
      for (auto& c : calls) c();
    }
  };

  int64_t Now() const;
  std::string NewId();  // under mu_
  void Sweep(After& after);  // under mu_: forgets expired tasks
  // Under mu_: sets status, stamps, queues the changed hook and (terminal) the waiters.
  void Transition(Task& t, TaskStatus to, After& after);

  const size_t max_tasks_;
  Clock now_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Task>> tasks_;
  std::multimap<int64_t, std::string> expiry_;  // expiry time -> id
  std::mt19937_64 rng_;
};

}  // namespace mcph
