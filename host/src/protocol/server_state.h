// server_state.h - what every request handler shares: the config, the
// current catalog snapshot, counters (including the metrics every transport
// renders) and the worker pool.
//
// The catalog pointer is swapped atomically on change; a request loads it
// once and keeps that snapshot until it is answered.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <memory>

#include "catalog/catalog.h"
#include "config/host_config.h"
#include "observability/metrics.h"
#include "protocol/reply.h"
#include "protocol/request_state_seal.h"
#include "protocol/subscriptions.h"
#include "protocol/task_store.h"

namespace mcph {

struct ServerState {
  ServerState(ServerConfig cfg, std::shared_ptr<const Catalog> initial, size_t workers,
              std::shared_ptr<Metrics> shared_metrics = nullptr)
      : config(std::move(cfg)),
        metrics(shared_metrics ? std::move(shared_metrics) : std::make_shared<Metrics>()),
        catalog(std::move(initial)),
        sealer(config.request_state_key, config.request_state_ttl_ms),
        pool(workers) {
    identity.name = config.name;
  }

  std::shared_ptr<const Catalog> snapshot() const { return catalog.load(std::memory_order_acquire); }
  void swap(std::shared_ptr<const Catalog> next) { catalog.store(std::move(next), std::memory_order_release); }

  const ServerConfig config;
  ServerIdentity identity;
  HostStats stats;
  // The Prometheus counters, shared by every transport (and by the catalog
  // snapshots' per-tool counters). A shared_ptr so HTTP connections, which may
  // outlive the server, can keep it alive.
  const std::shared_ptr<Metrics> metrics;
  std::atomic<std::shared_ptr<const Catalog>> catalog;
  // Seals MRTR requestState (key: config.request_state_key, "" = random).
  RequestStateSealer sealer;
  // Listen streams and legacy resource subscriptions (subscriptions.h).
  SubscriptionHub subscriptions;
  // Tool calls running as tasks (both eras); they live in this process only.
  TaskStore tasks;
  boost::asio::thread_pool pool;
};

}  // namespace mcph
