// task_store.cpp - see task_store.h.
#include "protocol/task_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "util/json.h"
#include "util/unix_time.h"

namespace mcph {

const char* TaskStatusName(TaskStatus s) {
  switch (s) {
    case TaskStatus::kWorking: return "working";
    case TaskStatus::kInputRequired: return "input_required";
    case TaskStatus::kCompleted: return "completed";
    case TaskStatus::kFailed: return "failed";
    case TaskStatus::kCancelled: return "cancelled";
  }
  return "working";
}

bool IsTerminal(TaskStatus s) {
  return s == TaskStatus::kCompleted || s == TaskStatus::kFailed || s == TaskStatus::kCancelled;
}

std::string IsoTime(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // sized for any int fields, so the compiler sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
  return buf;
}

TaskStore::TaskStore(size_t max_tasks, Clock now)
    : max_tasks_(max_tasks), now_(std::move(now)), rng_(std::random_device{}()) {}

int64_t TaskStore::Now() const {
  if (now_) return now_();
  return UnixMs();
}

std::string TaskStore::NewId() {
  // A random (version 4) UUID: unguessable, so knowing an id is what lets a
  // client read a task.
  uint64_t hi = rng_(), lo = rng_();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

void TaskStore::Sweep(After& after) {
  const int64_t now = Now();
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    std::string id = expiry_.begin()->second;
    expiry_.erase(expiry_.begin());
    auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;
    std::shared_ptr<Task> t = it->second;
    tasks_.erase(it);
    if (!IsTerminal(t->view.status) && t->hooks.cancel) after.calls.push_back(t->hooks.cancel);
    TaskView last = t->view;
    for (auto& w : t->waiters) after.calls.push_back([w, last] { w(last); });
    t->waiters.clear();
  }
}

void TaskStore::Transition(Task& t, TaskStatus to, After& after) {
  t.view.status = to;
  t.view.updated_ms = Now();
  if (to != TaskStatus::kInputRequired) {
    t.view.input_requests_json.clear();
    t.pending.SetNull();
  }
  TaskView copy = t.view;
  if (t.hooks.changed) after.calls.push_back([h = t.hooks.changed, copy] { h(copy); });
  if (IsTerminal(to)) {
    for (auto& w : t.waiters) after.calls.push_back([w, copy] { w(copy); });
    t.waiters.clear();
    t.resume = nullptr;
  }
}

Result<TaskView> TaskStore::Create(std::string owner, int64_t ttl_ms, int64_t poll_ms, Hooks hooks) {
  After after;
  Result<TaskView> out = Status::Error("");
  {
    std::lock_guard lock(mu_);
    Sweep(after);
    if (tasks_.size() >= max_tasks_) {
      out = Status::Error("too many tasks: this server keeps at most " + std::to_string(max_tasks_) +
                          " live tasks; try again when some have finished or expired");
    } else {
      auto t = std::make_shared<Task>();
      std::string id;
      do id = NewId();
      while (tasks_.count(id));
      t->view.id = id;
      t->view.owner = std::move(owner);
      t->view.created_ms = t->view.updated_ms = Now();
      t->view.ttl_ms = ttl_ms;
      t->view.poll_ms = poll_ms;
      t->hooks = std::move(hooks);
      tasks_.emplace(id, t);
      expiry_.emplace(t->view.created_ms + ttl_ms, id);
      out = t->view;
    }
  }
  after.Run();
  return out;
}

std::optional<TaskView> TaskStore::Get(const std::string& id) {
  After after;
  std::optional<TaskView> out;
  {
    std::lock_guard lock(mu_);
    Sweep(after);
    if (auto it = tasks_.find(id); it != tasks_.end()) out = it->second->view;
  }
  after.Run();
  return out;
}

std::vector<TaskView> TaskStore::List(const std::string& owner) {
  After after;
  std::vector<TaskView> out;
  {
    std::lock_guard lock(mu_);
    Sweep(after);
    for (auto& [id, t] : tasks_)
      if (t->view.owner == owner) out.push_back(t->view);
  }
  after.Run();
  std::sort(out.begin(), out.end(), [](const TaskView& a, const TaskView& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

bool TaskStore::Complete(const std::string& id, std::string result_json) {
  After after;
  bool done = false;
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(id);
    if (it != tasks_.end() && !IsTerminal(it->second->view.status)) {
      it->second->view.result_json = std::move(result_json);
      Transition(*it->second, TaskStatus::kCompleted, after);
      done = true;
    }
  }
  after.Run();
  return done;
}

bool TaskStore::Fail(const std::string& id, std::string error_json) {
  After after;
  bool done = false;
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(id);
    if (it != tasks_.end() && !IsTerminal(it->second->view.status)) {
      it->second->view.error_json = std::move(error_json);
      Transition(*it->second, TaskStatus::kFailed, after);
      done = true;
    }
  }
  after.Run();
  return done;
}

TaskStore::CancelOutcome TaskStore::Cancel(const std::string& id) {
  After after;
  CancelOutcome out = CancelOutcome::kUnknown;
  {
    std::lock_guard lock(mu_);
    Sweep(after);
    auto it = tasks_.find(id);
    if (it != tasks_.end()) {
      Task& t = *it->second;
      if (IsTerminal(t.view.status)) {
        out = CancelOutcome::kAlreadyTerminal;
      } else {
        t.view.status_message = "The task was cancelled by request.";
        Transition(t, TaskStatus::kCancelled, after);
        if (t.hooks.cancel) after.calls.push_back(t.hooks.cancel);
        out = CancelOutcome::kCancelled;
      }
    }
  }
  after.Run();
  return out;
}

bool TaskStore::AwaitInput(const std::string& id, const std::string& requests_json, Resume resume) {
  After after;
  bool parked = false;
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(id);
    if (it != tasks_.end() && it->second->view.status == TaskStatus::kWorking) {
      Task& t = *it->second;
      t.pending.SetObject();
      if (ParseJson(requests_json, t.pending).ok() && t.pending.IsObject() && t.pending.MemberCount() > 0) {
        t.answers.SetObject();
        t.resume = std::move(resume);
        t.view.input_requests_json = requests_json;
        Transition(t, TaskStatus::kInputRequired, after);
        parked = true;
      }
    }
  }
  after.Run();
  return parked;
}

TaskStore::UpdateOutcome TaskStore::Update(const std::string& id, const rapidjson::Value& responses) {
  After after;
  UpdateOutcome out = UpdateOutcome::kUnknown;
  {
    std::lock_guard lock(mu_);
    Sweep(after);
    auto it = tasks_.find(id);
    if (it != tasks_.end()) {
      Task& t = *it->second;
      if (t.view.status != TaskStatus::kInputRequired || !responses.IsObject()) {
        out = UpdateOutcome::kNotWaiting;
      } else {
        out = UpdateOutcome::kAccepted;
        auto& a = t.answers.GetAllocator();
        for (const auto& m : responses.GetObject()) {
          std::string key(StringOf(m.name));
          if (!t.pending.HasMember(key.c_str())) continue;  // unknown or already answered: ignored
          t.pending.RemoveMember(key.c_str());
          rapidjson::Value k(key.c_str(), static_cast<rapidjson::SizeType>(key.size()), a);
          rapidjson::Value v(m.value, a);
          t.answers.AddMember(k, v, a);
        }
        if (t.pending.MemberCount() == 0) {
          std::string answers = ToJson(t.answers);
          Resume resume = std::move(t.resume);
          t.resume = nullptr;
          t.answers.SetObject();
          Transition(t, TaskStatus::kWorking, after);
          if (resume) after.calls.push_back([resume, answers] { resume(answers); });
        } else {
          t.view.input_requests_json = ToJson(t.pending);
          t.view.updated_ms = Now();
        }
      }
    }
  }
  after.Run();
  return out;
}

bool TaskStore::WhenDone(const std::string& id, Waiter waiter) {
  std::optional<TaskView> now_done;
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return false;
    if (IsTerminal(it->second->view.status)) now_done = it->second->view;
    else it->second->waiters.push_back(std::move(waiter));
  }
  if (now_done) waiter(*now_done);
  return true;
}

size_t TaskStore::size() {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

}  // namespace mcph
