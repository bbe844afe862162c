// server_state.h - what every request handler shares: the config, the
// current catalog snapshot, counters and the worker pool.
//
// The catalog pointer is swapped atomically on change; a request loads it
// once and keeps that snapshot until it is answered.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <memory>

#include "catalog/catalog.h"
#include "config/host_config.h"
#include "protocol/reply.h"

namespace mcph {

struct ServerState {
  ServerState(ServerConfig cfg, std::shared_ptr<const Catalog> initial, size_t workers)
      : config(std::move(cfg)), catalog(std::move(initial)), pool(workers) {
    identity.name = config.name;
  }

  std::shared_ptr<const Catalog> snapshot() const { return catalog.load(std::memory_order_acquire); }
  void swap(std::shared_ptr<const Catalog> next) { catalog.store(std::move(next), std::memory_order_release); }

  const ServerConfig config;
  ServerIdentity identity;
  HostStats stats;
  std::atomic<std::shared_ptr<const Catalog>> catalog;
  boost::asio::thread_pool pool;
};

}  // namespace mcph
