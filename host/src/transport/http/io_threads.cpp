// io_threads.cpp - see io_threads.h.
#include "transport/http/io_threads.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

namespace mcph::http {
namespace {
// Ticks without a step before the watcher parks (one second).
constexpr int kIdleTicksBeforePark = 200;
}  // namespace

thread_local IoThreads* IoThreads::t_owner_ = nullptr;
thread_local IoThreads::Lane* IoThreads::t_lane_ = nullptr;
thread_local uint64_t IoThreads::t_gen_ = 0;

IoThreads::IoThreads(std::vector<boost::asio::io_context*> contexts) {
  for (boost::asio::io_context* c : contexts) {
    lanes_.push_back(std::make_unique<Lane>());
    lanes_.back()->ctx = c;
  }
}

IoThreads::~IoThreads() {
  {
    std::lock_guard lock(mu_);
    ending_ = true;
    cv_.notify_all();
  }
  if (watcher_.joinable()) watcher_.join();
  // Threads still inside a step end when it returns (as pool workers do).
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads = threads_.TakeAll();
  }
  for (std::thread& t : threads) t.join();
}

void IoThreads::Start() {
  std::lock_guard lock(mu_);
  for (auto& lane : lanes_) StartThread(*lane, 0);
  watcher_ = std::thread([this] { Watch(); });
}

bool IoThreads::Wait(std::chrono::milliseconds grace) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return std::all_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return l->stopped; }); });
  return cv_.wait_for(lock, grace, [&] { return threads_.running() == 0; });
}

bool IoThreads::OnIoThread() { return t_lane_ != nullptr; }

void IoThreads::StartThread(Lane& lane, uint64_t gen) {
  // Joins the threads that ended since (each long step ends one).
  threads_.Start([this, &lane, gen] { Loop(lane, gen); });
}

void IoThreads::Loop(Lane& lane, uint64_t gen) {
  t_owner_ = this;
  t_lane_ = &lane;
  t_gen_ = gen;
  bool retired = false;
  try {
    lane.ctx->run();
  } catch (const IoThreadRetired&) {
    retired = true;
  }
  t_owner_ = nullptr;
  t_lane_ = nullptr;
  // Anything this thread's run() still held privately (asio keeps a
  // handler's continuations there) went to the io_context's queue on the way
  // out, without waking its new thread: wake it.
  if (retired) boost::asio::post(*lane.ctx, [] {});
  std::lock_guard lock(mu_);
  if (!retired) lane.stopped = true;
  threads_.Done();
  cv_.notify_all();
}

void IoThreads::RunStep(InlineStep& step) {
  Lane& lane = *t_lane_;
  const uint64_t mine = t_gen_;
  {
    std::lock_guard lock(lane.mu);
    lane.in_step = true;
    ++lane.steps;
    lane.current = Watched{mine, step.deadline, std::move(step.expire)};
  }
  if (t_owner_->parked_.load()) t_owner_->Wake();
  step.run();
  step.run = nullptr;
  std::function<void()> done;  // destroyed outside the lock
  {
    std::lock_guard lock(lane.mu);
    if (lane.gen == mine) {
      lane.in_step = false;
      done = std::move(lane.current.expire);
      return;
    }
    // The watcher gave the io_context to another thread meanwhile.
    for (auto it = lane.stuck.begin(); it != lane.stuck.end(); ++it) {
      if (it->gen != mine) continue;
      done = std::move(it->expire);
      lane.stuck.erase(it);
      break;
    }
  }
  throw IoThreadRetired{};
}

void IoThreads::Wake() {
  std::lock_guard lock(mu_);
  wake_ = true;
  cv_.notify_all();
}

bool IoThreads::ExpireLeft(const Lane& lane) {
  return std::any_of(lane.stuck.begin(), lane.stuck.end(), [](const Watched& w) { return bool(w.expire); });
}

bool IoThreads::Check(Lane& lane, uint64_t& seen_steps, Clock::time_point& since, Clock::time_point now) {
  std::vector<std::function<void()>> fire;
  uint64_t takeover = 0;
  bool busy;
  {
    std::lock_guard lock(lane.mu);
    // Deadlines first: the step's caller is answered with a timeout (the
    // step goes on until it returns; its answer is then dropped).
    if (lane.in_step && lane.current.expire && now >= lane.current.deadline)
      fire.push_back(std::move(lane.current.expire));
    for (Watched& w : lane.stuck)
      if (w.expire && now >= w.deadline) fire.push_back(std::move(w.expire));
    if (lane.in_step && lane.steps == seen_steps) {
      if (now - since >= kStallAfter) {
        lane.stuck.push_back(std::move(lane.current));
        lane.current = Watched{};
        lane.in_step = false;
        takeover = ++lane.gen;
        takeovers_.fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      since = now;
    }
    busy = lane.in_step || lane.steps != seen_steps || ExpireLeft(lane);
    seen_steps = lane.steps;
  }
  if (takeover) {
    spdlog::debug("http: a plugin step runs long on an I/O thread; its connections go on on another thread");
    std::lock_guard lock(mu_);
    StartThread(lane, takeover);
  }
  for (auto& f : fire) f();
  return busy || !fire.empty();
}

void IoThreads::Watch() {
  const size_t n = lanes_.size();
  std::vector<uint64_t> seen(n, 0);
  std::vector<Clock::time_point> since(n);
  int idle = kIdleTicksBeforePark;  // parked until the first step
  std::unique_lock lock(mu_);
  while (!ending_) {
    if (idle >= kIdleTicksBeforePark) {
      parked_.store(true);
      lock.unlock();
      // A step may have started since the last look, before parked_ was set
      // (RunStep reads parked_ after taking its lane's lock).
      bool busy = false;
      for (size_t i = 0; i < n; ++i) {
        std::lock_guard lane_lock(lanes_[i]->mu);
        busy = busy || lanes_[i]->in_step || lanes_[i]->steps != seen[i] || ExpireLeft(*lanes_[i]);
      }
      lock.lock();
      if (!busy) {
        parks_.fetch_add(1, std::memory_order_relaxed);
        cv_.wait(lock, [&] { return ending_ || wake_; });
      }
      wake_ = false;
      parked_.store(false);
      idle = 0;
    } else {
      cv_.wait_for(lock, kWatchTick, [&] { return ending_; });
    }
    if (ending_) break;
    lock.unlock();
    const Clock::time_point now = Clock::now();
    bool busy = false;
    for (size_t i = 0; i < n; ++i) busy = Check(*lanes_[i], seen[i], since[i], now) || busy;
    lock.lock();
    idle = busy ? 0 : idle + 1;
  }
}

}  // namespace mcph::http
