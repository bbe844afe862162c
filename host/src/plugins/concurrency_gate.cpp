// concurrency_gate.cpp - see concurrency_gate.h.
//
// pending_ counts every call between Submit and Done, including those that
// wait. A Submit that finds pending_ below the limit runs at once; otherwise
// it queues. A Done that leaves pending_ at or above the limit owes exactly
// one waiter a start: it is either in the queue, or still on its way to it,
// in which case a handoff is left for it.
#include "plugins/concurrency_gate.h"

namespace mcph {

void ConcurrencyGate::Submit(Step step, const Post& post) {
  if (limit_ <= 0 || pending_.fetch_add(1, std::memory_order_acq_rel) < limit_) return post(std::move(step));
  std::unique_lock lock(mu_);
  if (handoffs_ > 0) {
    --handoffs_;
    lock.unlock();
    return post(std::move(step));
  }
  waiting_.push_back(std::move(step));
}

bool ConcurrencyGate::TryEnter() {
  if (limit_ <= 0) return true;
  int pending = pending_.load(std::memory_order_relaxed);
  while (pending < limit_)
    if (pending_.compare_exchange_weak(pending, pending + 1, std::memory_order_acq_rel)) return true;
  return false;
}

void ConcurrencyGate::Done(const Post& post) {
  if (limit_ <= 0 || pending_.fetch_sub(1, std::memory_order_acq_rel) <= limit_) return;
  std::unique_lock lock(mu_);
  if (waiting_.empty()) {
    ++handoffs_;
    return;
  }
  Step next = std::move(waiting_.front());
  waiting_.pop_front();
  lock.unlock();
  post(std::move(next));
}

}  // namespace mcph
